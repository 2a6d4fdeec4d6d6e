import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FASHION_MNIST_DIR, evaluateFashion, formatFashionReport } from '../src/index.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DATA_DIR = process.env.FASHION_MNIST_DIR ?? join(REPO_ROOT, FASHION_MNIST_DIR); // gzipped IDX files, in the repository
/**
 * All 10,000 test images (a few seconds on the default engine: WASM SIMD on every hardware thread);
 * FASHION_EVAL_STRIDE=k evaluates every k-th image instead.
 */
const STRIDE = Number(process.env.FASHION_EVAL_STRIDE ?? 1);

describe('Fashion-MNIST evaluation against PyTorch', () => {
  it('agrees with PyTorch wherever PyTorch is not within our logit error of a tie', async () => {
    const report = await evaluateFashion({ dataDir: DATA_DIR, repoRoot: REPO_ROOT, stride: STRIDE });
    console.log(formatFashionReport(report, DATA_DIR));
    expect(report.images).toBe(Math.ceil(10_000 / STRIDE));
    expect(report.disagreements.filter((d) => !d.explained)).toEqual([]);
    expect(report.ok).toBe(true);
    // Our logits are float32-accurate: within a few times PyTorch's own float32 error.
    expect(report.maxLogitError).toBeLessThan(8 * report.pytorchFp32LogitError + 1e-5);
  }, 300_000);
});
