/** The golden CLI as a function (main.ts wires it to the process), so tests can run it. */

import { stat } from 'node:fs/promises';
import { formatResult, runGolden } from './runner.js';

export interface CliIo {
  log(line: string): void;
  error(line: string): void;
}

const USAGE = 'usage: npm run golden -- <dir> [--filter substring]... [--verbose]';

/**
 * Runs every case under the one directory argument: a line per case, then `N passed, N failed`.
 * Returns the exit code: 0 all passed, 1 a failure (or no case found), 2 bad usage.
 */
export async function runCli(argv: readonly string[], io: CliIo = console): Promise<number> {
  const filter: string[] = [];
  const dirs: string[] = [];
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--filter' && i + 1 < argv.length) filter.push(argv[++i]);
    else if (argv[i] === '--verbose' || argv[i] === '-v') verbose = true;
    else if (argv[i] === '--help' || argv[i] === '-h') {
      io.log(USAGE);
      return 0;
    } else if (argv[i].startsWith('-')) {
      io.error(USAGE);
      return 2;
    } else dirs.push(argv[i]);
  }
  if (dirs.length !== 1) {
    io.error(USAGE);
    return 2;
  }
  const dir = dirs[0];
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    io.error(`error: ${dir} is not a directory`);
    return 2;
  }
  const summary = await runGolden(dir, { filter, onResult: (r) => io.log(formatResult(r, 32, verbose)) });
  if (summary.results.length === 0) {
    io.error(`error: no golden cases (case.json, kernels.json, images.json) under ${dir}`);
    return 1;
  }
  if (summary.skipped > 0) io.log(`${summary.skipped} skipped (kind or class not supported by this runner yet)`);
  io.log(`${summary.passed} passed, ${summary.failed} failed`);
  return summary.failed > 0 ? 1 : 0;
}
