import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES, conv2dOutputShape, createEngine, referenceConvWeight, runReference } from '@purevit/core';
import { Conv2d, type Conv2dSpec } from '@purevit/models';

const wave = (n: number, phase: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37 + phase));

/** The layer picks the op (depthwise, grouped, dense) from the spec; every path agrees with op conv2d's reference. */
describe('Conv2d layer', () => {
  const specs: Array<[string, Conv2dSpec]> = [
    ['depthwise 3x3 same, stride 2', { inChannels: 6, outChannels: 6, kernel: 3, stride: 2, padding: 'same', groups: 6 }],
    ['depthwise 5x5 pad 2', { inChannels: 9, outChannels: 9, kernel: 5, padding: 2, groups: 9 }],
    ['grouped 3x3 (4 per group)', { inChannels: 8, outChannels: 16, kernel: 3, padding: 1, groups: 4 }],
    ['dense 3x3 dilation 2', { inChannels: 3, outChannels: 5, kernel: 3, padding: 2, dilation: 2 }],
  ];
  for (const backend of BACKEND_NAMES) {
    it.each(specs)(`${backend}: %s`, async (_label, spec) => {
      const engine = await createEngine({ backend });
      try {
        const arena = engine.createArena();
        const wShape = Conv2d.weightShape(spec);
        const weight = wave(wShape.reduce((a, b) => a * b, 1), 1), bias = wave(spec.outChannels, 2);
        const conv = new Conv2d(arena, weight, bias, spec);
        expect(conv.prepared === null).toBe((spec.groups ?? 1) === spec.inChannels && spec.inChannels === spec.outChannels);
        const shape: [number, number, number, number] = [2, 7, 6, spec.inChannels];
        const x = wave(shape.reduce((a, b) => a * b, 1), 3);
        const outShape = conv.outputShape(shape);
        const size = outShape.reduce((a, b) => a * b, 1);
        const residual = wave(size, 4);
        const got = conv.forward({ data: arena.upload(x), shape }, arena.alloc(size), { activation: 'hard_swish', residual: arena.upload(residual) });
        expect(got.shape).toEqual(outShape);
        const options = { stride: spec.stride, padding: spec.padding, dilation: spec.dilation, groups: spec.groups };
        const want = new Float32Array(size);
        const ref = referenceConvWeight(weight, wShape, bias, options);
        expect(conv2dOutputShape(shape, ref.spec)).toEqual(outShape);
        runReference('conv2d', { x, shape, weight: ref, out: want, activation: 'hard_swish', residual });
        const values = await engine.read(got.data);
        for (let i = 0; i < size; i++) expect(Math.abs(values[i] - want[i])).toBeLessThan(1e-5);
      } finally {
        await engine.dispose();
      }
    });
  }
});
