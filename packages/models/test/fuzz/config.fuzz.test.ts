import { describe, expect, it } from 'vitest';
import { describeReport, runFuzz, FUZZ_TEST_TIMEOUT_MS } from '../../../../test-utils/fuzz/run-fuzz.js';

/** Inputs that once failed, replayed first (seed, index): what each found. */
const REGRESSIONS = [
  [18_006, 344], // pretrained_cfg input_size 224 for a 32-pixel timm ViT: RangeError at forward (now a ConfigError when the pipeline is built)
  [18_006, 1464], // a mean / std giving Infinity pixel values: RangeError at forward (now a ConfigError when the processor is built)
  [18_006, 4640], // hidden_act "768": a plain Error while building the model (now a ConfigError from ViTConfig)
] as const;

describe('fuzz: config.json', () => {
  it('10,000 mutated configs (one in eight also built and run): typed errors with short messages, or a model giving finite scores', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const report = await runFuzz(new URL('./config.family.ts', import.meta.url), { seed: 18_006, count: 10_000, regressions: REGRESSIONS });
    console.log(describeReport(report));
    expect(report.failures).toEqual([]);
    expect(report.inputs).toBeGreaterThanOrEqual(10_000);
  });
});
