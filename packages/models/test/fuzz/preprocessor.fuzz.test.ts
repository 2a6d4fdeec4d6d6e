import { describe, expect, it } from 'vitest';
import { describeReport, runFuzz, FUZZ_TEST_TIMEOUT_MS } from '../../../../test-utils/fuzz/run-fuzz.js';

describe('fuzz: preprocessor configs', () => {
  it('10,000 mutated preprocessor_config.json and pretrained_cfg: typed errors with short messages, or finite pixel values of the announced shape', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const report = await runFuzz(new URL('./preprocessor.family.ts', import.meta.url), { seed: 18_005, count: 10_000 });
    console.log(describeReport(report));
    expect(report.failures).toEqual([]);
    expect(report.inputs).toBeGreaterThanOrEqual(10_000);
  });
});
