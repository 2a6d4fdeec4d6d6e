import { describe, expect, it } from 'vitest';
import { describeReport, runFuzz, FUZZ_TEST_TIMEOUT_MS } from '../../../../test-utils/fuzz/run-fuzz.js';

/** Inputs that once failed, replayed first (seed, index): what each found. */
const REGRESSIONS = [
  [18_002, 62], // ETag "bytes */0": InvalidNameError had no code (untyped); now code invalid_name
  [18_002, 75], // an empty X-Linked-Etag: the same
  [18_002, 156], // X-Linked-Etag "bytes 5-9/100" with a 304 from the CDN: the same
] as const;

describe('fuzz: hub responses', () => {
  it('10,000 mutated hub and CDN answers: typed errors with short messages, or the true bytes, online and offline; nothing corrupt cached', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const report = await runFuzz(new URL('./hub.family.ts', import.meta.url), { seed: 18_002, count: 10_000, regressions: REGRESSIONS });
    console.log(describeReport(report));
    expect(report.failures).toEqual([]);
    expect(report.inputs).toBeGreaterThanOrEqual(10_000);
  });
});
