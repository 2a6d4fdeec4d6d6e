import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../src/index.js';
import { ROOT, cli } from './helpers.js';

describe('help and version', () => {
  it('--help, -h and help list the commands on stdout with exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const { code, stdout, stderr } = await cli(argv);
      expect(code).toBe(0);
      expect(stderr).toBe('');
      expect(stdout.startsWith('Usage: purevit <command> [options]\n')).toBe(true);
      for (const name of ['classify', 'embed', 'serve', 'attention', 'info']) expect(stdout).toMatch(new RegExp(`\\n  ${name} +\\S`));
      expect(stdout).toContain('HF_HUB_OFFLINE');
      expect(stdout).toContain('Exit codes: 0 success, 1 bad input, 2 usage error.');
    }
  });

  it('<command> --help and help <command> show its synopsis and every option', async () => {
    expect(COMMANDS.map((c) => c.name)).toEqual(['classify', 'embed', 'serve', 'attention', 'info', 'bench']);
    for (const command of COMMANDS) {
      for (const argv of [[command.name, '--help'], ['help', command.name], [command.name, 'whatever.png', '-h']]) {
        const { code, stdout } = await cli(argv);
        expect(code).toBe(0);
        expect(stdout.split('\n')[0]).toBe(`Usage: ${command.synopsis}`);
        for (const flag of [...Object.keys(command.flags), 'quiet', 'debug', 'help']) expect(stdout).toContain(`--${flag}`);
      }
    }
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(await readFile(`${ROOT}packages/cli/package.json`, 'utf8')) as { version: string };
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });
});
