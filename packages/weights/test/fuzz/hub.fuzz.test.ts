import { describe, expect, it } from 'vitest';
import { describeReport, runFuzz } from '../../../../test-utils/fuzz/run-fuzz.js';

describe('fuzz: hub responses', () => {
  it('10,000 mutated hub and CDN answers: typed errors with short messages, or the true bytes, online and offline; nothing corrupt cached', async () => {
    const report = await runFuzz(new URL('./hub.family.ts', import.meta.url), { seed: 18_002, count: 10_000 });
    console.log(describeReport(report));
    expect(report.failures).toEqual([]);
    expect(report.inputs).toBeGreaterThanOrEqual(10_000);
  });
});
