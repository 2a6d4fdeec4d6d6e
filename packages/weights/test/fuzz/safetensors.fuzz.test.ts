import { describe, expect, it } from 'vitest';
import { describeReport, runFuzz, FUZZ_TEST_TIMEOUT_MS } from '../../../../test-utils/fuzz/run-fuzz.js';

describe('fuzz: safetensors files', () => {
  it('10,000 mutated files: typed errors with short messages, or every tensor read; no hang, abort or runaway memory', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const report = await runFuzz(new URL('./safetensors.family.ts', import.meta.url), { seed: 18_001, count: 10_000 });
    console.log(describeReport(report));
    expect(report.failures).toEqual([]);
    expect(report.inputs).toBeGreaterThanOrEqual(10_000);
  });
});
