import { describe, expect, it } from 'vitest';
import { describeReport, runFuzz, FUZZ_TEST_TIMEOUT_MS } from '../../../../test-utils/fuzz/run-fuzz.js';

/** Inputs that once failed, replayed first (seed, index): what each found. */
const REGRESSIONS = [
  [18_004, 44], // SOI, a frame-less EOI: TypeError reading the missing frame's width (now "truncated: no frame header")
] as const;

describe('fuzz: JPEG images', () => {
  it('10,000 mutated files: typed errors with short messages, or a well-formed image; no hang, abort or runaway memory', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const report = await runFuzz(new URL('./jpeg.family.ts', import.meta.url), { seed: 18_004, count: 10_000, perDeclaredByte: 2, regressions: REGRESSIONS });
    console.log(describeReport(report));
    expect(report.failures).toEqual([]);
    expect(report.inputs).toBeGreaterThanOrEqual(10_000);
  });
});
