/**
 * A library user's default equals the CLI's: on Node 20 the library itself sets V8's relaxed-SIMD flag (no
 * `enableRelaxedSimd()` call, no node flag), so `pipeline()` runs the same FMA kernels as `purevit classify`
 * and gives the same bits. This file runs in a process of its own (vitest's 'forks' pool): the library goes
 * first, before the CLI has had a chance to set the flag.
 */
import { describe, expect, it } from 'vitest';
import { disposeDefaultEngine, relaxedSimdSupported } from '@purevit/core';
import { pipeline, type ClassificationResult } from '@purevit/models';
import { SAMPLE, SAMPLE2, cli } from './helpers.js';

const NODE_20 = Number(process.versions.node.split('.')[0]) < 22;

describe('library default vs the CLI', () => {
  it('pipeline() with no engine runs relaxed-SIMD FMA and gives exactly what purevit classify prints', async () => {
    expect(relaxedSimdSupported()).toBe(!NODE_20); // nothing has set the flag yet in this process
    const classify = await pipeline('image-classification');
    expect(classify.model.engine.describe()).toMatchObject({ backend: 'wasm', simd: 'relaxed' });
    const library = await classify([SAMPLE, SAMPLE2], { topK: 10 });
    await classify.model.dispose();
    await disposeDefaultEngine();

    const { code, stdout, stderr } = await cli(['classify', SAMPLE, SAMPLE2, '--top-k', '10', '--json']);
    expect([code, stderr]).toEqual([0, '']);
    const printed = (JSON.parse(stdout) as { predictions: ClassificationResult[] }[]).map((r) => r.predictions);
    expect(printed).toEqual(library);
    expect(library[0][0].label).toBe('Ankle boot');
  });
});
