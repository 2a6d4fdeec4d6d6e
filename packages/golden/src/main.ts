#!/usr/bin/env node
/**
 * `npm run golden -- <dir> [--filter substring]…`: runs every golden case under <dir>, one line per case,
 * then `N passed, N failed`; exits 1 on any failure (or when no case is found), 2 on bad usage.
 */

import { stat } from 'node:fs/promises';
import { formatResult, runGolden } from './runner.js';

async function main(argv: string[]): Promise<number> {
  const filter: string[] = [];
  const dirs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--filter') filter.push(argv[++i] ?? '');
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: npm run golden -- <dir> [--filter substring]...');
      return 0;
    } else dirs.push(argv[i]);
  }
  if (dirs.length !== 1) {
    console.error('usage: npm run golden -- <dir> [--filter substring]...');
    return 2;
  }
  const dir = dirs[0];
  if (!(await stat(dir).catch(() => null))?.isDirectory()) {
    console.error(`error: ${dir} is not a directory`);
    return 2;
  }
  const summary = await runGolden(dir, { filter, onResult: (r) => console.log(formatResult(r)) });
  if (summary.results.length === 0) {
    console.error(`error: no golden cases (case.json, kernels.json, images.json) under ${dir}`);
    return 1;
  }
  if (summary.skipped > 0) console.log(`${summary.skipped} skipped (kind or class not supported by this runner yet)`);
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  return summary.failed > 0 ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
