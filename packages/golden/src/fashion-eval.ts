#!/usr/bin/env node
/**
 * `npm run eval:fashion -- [--data <dir>] [--stride k] [--batch n]`: the default model on the
 * Fashion-MNIST test set (gzipped IDX files, in the repository's models/fashion-eval/fashion-mnist) against
 * PyTorch's predictions. Exits 1 when a disagreement is not explained by PyTorch's top-2 margin.
 */

import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { FASHION_MNIST_DIR, evaluateFashion, formatFashionReport } from './fashion/eval.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

async function main(argv: string[]): Promise<number> {
  let dataDir = process.env.FASHION_MNIST_DIR ?? path.join(REPO_ROOT, FASHION_MNIST_DIR);
  let stride = 1;
  let batchSize = 500;
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    if (argv[i] === '--data' && value) dataDir = value;
    else if (argv[i] === '--stride' && value) stride = Number(value);
    else if (argv[i] === '--batch' && value) batchSize = Number(value);
    else {
      console.error('usage: npm run eval:fashion -- [--data <dir>] [--stride k] [--batch n]');
      return 2;
    }
    i++;
  }
  if (!Number.isInteger(stride) || stride < 1 || !Number.isInteger(batchSize) || batchSize < 1) {
    console.error('--stride and --batch must be positive integers');
    return 2;
  }
  const report = await evaluateFashion({ dataDir, repoRoot: REPO_ROOT, stride, batchSize });
  console.log(formatFashionReport(report, dataDir));
  return report.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
