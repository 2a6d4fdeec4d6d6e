import { describe, expect, it } from 'vitest';
import { describeReport, runFuzz, FUZZ_TEST_TIMEOUT_MS } from '../../../../test-utils/fuzz/run-fuzz.js';

describe('fuzz: PNG images', () => {
  it('10,000 mutated files: typed errors with short messages, or a well-formed image; no hang, abort or runaway memory', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const report = await runFuzz(new URL('./png.family.ts', import.meta.url), { seed: 18_003, count: 10_000, perDeclaredByte: 2 });
    console.log(describeReport(report));
    expect(report.failures).toEqual([]);
    expect(report.inputs).toBeGreaterThanOrEqual(10_000);
  });
});
