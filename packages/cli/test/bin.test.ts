// The real `purevit` bin in a child process, when `npm run build` (or `npm ci`) has built dist/; every
// other test runs the CLI as a function, so the suite never needs a build.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ROOT, SAMPLE } from './helpers.js';

const BIN = `${ROOT}packages/cli/bin/purevit.js`;
const built = existsSync(`${ROOT}packages/cli/dist/main.js`);

function purevit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

describe.skipIf(!built)('the purevit bin (bin/purevit.js over the built dist/main.js)', () => {
  it('is an executable node script, the package bin', () => {
    expect(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(statSync(BIN).mode & 0o111).toBe(0o111);
    const pkg = JSON.parse(readFileSync(`${ROOT}packages/cli/package.json`, 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ purevit: './bin/purevit.js' });
  });

  it('classifies the README sample and exits 0, with no progress bar on a piped stderr', async () => {
    const { code, stdout, stderr } = await purevit(['classify', SAMPLE, '--top-k', '1']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^models\/fashion-eval\/samples\/0000_9\.png\n +78\.01% {2}Ankle boot\n$/);
  });

  it('exits 1 on bad input and 2 on a usage error, as the process exit status', async () => {
    expect(await purevit(['classify', 'nope.png'])).toEqual({ code: 1, stdout: '', stderr: 'purevit: nope.png: no such file\n' });
    const usage = await purevit(['classify', SAMPLE, '--top-k', 'x']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.split('\n')[0]).toBe('purevit: --top-k must be a positive integer, got "x"');
  });
});
