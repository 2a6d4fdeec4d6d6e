/**
 * torch's behaviour at the edges, checked on the reference and on every engine variant with hand-derived
 * expectations (the conformance table compares implementations; this says what they must all compute).
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm, OPS, pool2dOutputShape, runReference, type DeviceArray, type OpArgs, type OpName, type Sized } from '@purevit/core';
import { arenaPlace, engineVariants, hostPlace, randomArray, type EngineVariant, type Place } from './harness.js';

let variants: EngineVariant[] = [];
beforeAll(async () => {
  variants = await engineVariants();
});
afterAll(async () => {
  for (const v of variants) await v.engine.dispose();
});

/** Runs op `name` on the reference and on every engine; `field`'s values from each, labelled. */
async function everywhere<K extends OpName>(name: K, build: <A>(p: Place<A>) => OpArgs<A>[K], field: string): Promise<Array<[string, Float32Array]>> {
  const ref = build(hostPlace);
  runReference(name, ref);
  const results: Array<[string, Float32Array]> = [['reference', (ref as unknown as Record<string, Float32Array>)[field]]];
  for (const v of variants) {
    const arena = v.engine.createArena();
    try {
      const args = build(arenaPlace(arena));
      v.engine.ops[name](args as OpArgs<DeviceArray>[K]);
      results.push([v.name, await v.engine.read((args as unknown as Record<string, DeviceArray>)[field])]);
    } finally {
      arena.dispose();
    }
  }
  return results;
}

describe('softmax', () => {
  it('is stable for overflow, underflow and ±1000; -Infinity entries get 0; a row of -Infinity or with a NaN is NaN', async () => {
    const rows = [[1000, 1000, 999], [-1000, -1000, -999], [1000, -1000, 0], [3e38, 3e38, -3e38], [-Infinity, 0, -Infinity], [-Infinity, -Infinity, -Infinity], [1, NaN, 2]];
    const x = Float32Array.from(rows.flat());
    for (const [who, a] of await everywhere('softmax', (p) => ({ x: p.array(x), out: p.zeros(x.length), rows: rows.length, cols: 3 }), 'out')) {
      expect(a[0], who).toBeCloseTo(1 / (2 + Math.exp(-1)), 6);
      expect(a[5], who).toBeCloseTo(1 / (1 + 2 * Math.exp(-1)), 6);
      expect(Array.from(a.subarray(6, 9)), who).toEqual([1, 0, 0]);
      expect(Array.from(a.subarray(9, 12)), who).toEqual([0.5, 0.5, 0]);
      expect(Array.from(a.subarray(12, 15)), who).toEqual([0, 1, 0]);
      expect(Array.from(a.subarray(15)).every(Number.isNaN), who).toBe(true);
    }
  });
});

describe('layerNorm', () => {
  it('gives exactly the bias on constant rows, even with eps 1e-12; a large mean keeps its small deviations', async () => {
    const dim = 37;
    const w = randomArray(dim, 3, 2), b = randomArray(dim, 4);
    for (const c of [0, 1, -3.5, 300, 1e6]) {
      const x = new Float32Array(2 * dim).fill(c);
      for (const [who, out] of await everywhere('layerNorm', (p) => ({ x: p.array(x), out: p.zeros(x.length), rows: 2, dim, weight: p.array(w), bias: p.array(b), eps: 1e-12 }), 'out')) {
        expect(Array.from(out), `${who} constant ${c}`).toEqual([...b, ...b]);
      }
    }
    // 300 + k/16 (exact in float32): the result is (k − 4.5)/16/std.
    const x = Float32Array.from({ length: 10 }, (_, k) => 300 + k / 16);
    const std = Math.sqrt(8.25) / 16;
    for (const [who, out] of await everywhere('layerNorm', (p) => ({ x: p.array(x), out: p.zeros(10), rows: 1, dim: 10, weight: null, bias: null, eps: 0 }), 'out')) {
      for (let k = 0; k < 10; k++) expect(out[k], who).toBeCloseTo((k - 4.5) / 16 / std, 5);
    }
  });
});

describe('pool2d and adaptivePool2d', () => {
  it("uses torch's ceil-mode output size, refuses padding over half the kernel, and a NaN wins the max", async () => {
    const shape = (h: number, w: number) => [1, h, w, 1] as const;
    expect(pool2dOutputShape({ shape: shape(6, 6), kernel: [2, 2], stride: [2, 2], padding: [1, 1], ceilMode: true })).toEqual([1, 4, 4, 1]);
    expect(pool2dOutputShape({ shape: shape(5, 5), kernel: [2, 2], ceilMode: true })).toEqual([1, 3, 3, 1]);
    expect(pool2dOutputShape({ shape: shape(5, 5), kernel: [2, 2] })).toEqual([1, 2, 2, 1]);
    expect(() => pool2dOutputShape({ shape: shape(5, 5), kernel: [2, 2], padding: [2, 2] })).toThrow(/at most half the kernel/);
    const x = Float32Array.of(1, NaN, 3, 4);
    for (const [who, out] of await everywhere('pool2d', (p) => ({ x: p.array(x), shape: shape(2, 2), mode: 'max', kernel: [2, 2], out: p.zeros(1) }), 'out')) {
      expect(out[0], who).toBeNaN();
    }
  });

  it('avg: ceil-mode windows past the edge average what they cover (count_include_pad=False), or count the padding', async () => {
    // 1×3 row, kernel 2, stride 2, ceil mode: windows [0,2) and [2,3) (clipped).
    const x = Float32Array.of(1, 2, 4);
    const run = (countIncludePad: boolean) => everywhere('pool2d', (p) => ({
      x: p.array(x), shape: [1, 1, 3, 1] as const, mode: 'avg' as const, kernel: [1, 2] as const, stride: [1, 2] as const, ceilMode: true, countIncludePad, out: p.zeros(2),
    }), 'out');
    for (const [who, out] of await run(false)) expect(Array.from(out), who).toEqual([1.5, 4]);
    // With padding 0 the clipped window counts only its pixels either way (torch clips to the padded input).
    for (const [who, out] of await run(true)) expect(Array.from(out), who).toEqual([1.5, 4]);
    // Padding 1, kernel 2, stride 2 on [1, 2, 4]: windows [-1,1), [1,3): pooled over 2 including the pad, or over 1 and 2 pixels.
    const padded = (countIncludePad: boolean) => everywhere('pool2d', (p) => ({
      x: p.array(x), shape: [1, 1, 3, 1] as const, mode: 'avg' as const, kernel: [1, 2] as const, stride: [1, 2] as const, padding: [0, 1] as const,
      countIncludePad, out: p.zeros(2),
    }), 'out');
    for (const [who, out] of await padded(true)) expect(Array.from(out), who).toEqual([0.5, 3]);
    for (const [who, out] of await padded(false)) expect(Array.from(out), who).toEqual([1, 3]);
  });

  it('adaptive windows overlap: floor(i·in/out) .. ceil((i+1)·in/out)', async () => {
    const x = Float32Array.of(1, 2, 3, 4, 5);
    for (const [who, out] of await everywhere('adaptivePool2d', (p) => ({
      x: p.array(x), shape: [1, 1, 5, 1] as const, mode: 'avg' as const, outSize: [1, 3] as const, out: p.zeros(3),
    }), 'out')) expect(Array.from(out), who).toEqual([1.5, 3, 4.5]);
    for (const [who, out] of await everywhere('adaptivePool2d', (p) => ({
      x: p.array(x), shape: [1, 1, 5, 1] as const, mode: 'avgmax' as const, outSize: [1, 1] as const, out: p.zeros(1),
    }), 'out')) expect(out[0], who).toBe(0.5 * (3 + 5));
  });
});

describe('pixelShuffle', () => {
  it('puts channel i·r + j at row offset i and column offset j', async () => {
    const x = Float32Array.of(10, 11, 12, 13); // [1, 4, 1, 1]
    for (const [who, out] of await everywhere('pixelShuffle', (p) => ({ x: p.array(x), shape: [1, 4, 1, 1] as const, factor: 2, out: p.zeros(4) }), 'out')) {
      expect(Array.from(out), who).toEqual([10, 11, 12, 13]);
    }
    expect(() => OPS.pixelShuffle.check({ x, shape: [1, 4, 1, 1], factor: 3, out: x } as OpArgs<Sized>['pixelShuffle'])).toThrow(/divisible by factor/);
  });
});

describe('foldBatchNorm', () => {
  it('a conv with the folded weight and bias equals conv then eval BatchNorm', async () => {
    const [c, o, h, w] = [3, 5, 8, 7];
    const x = randomArray(h * w * c, 1);
    const cw = randomArray(o * c * 9, 2), cb = randomArray(o, 3);
    const mean = randomArray(o, 4), variance = randomArray(o, 5).map((v) => v + 1.2), g = randomArray(o, 6), beta = randomArray(o, 7);
    const conv = <A>(p: Place<A>, weight: Float32Array, bias: Float32Array) => ({
      x: p.array(x), shape: [1, h, w, c] as const, weight: p.conv(weight, [o, c, 3, 3], bias, { padding: 1 }), out: p.zeros(h * w * o),
    });
    const plain = (await everywhere('conv2d', (p) => conv(p, cw, cb), 'out'))[0][1];
    const expected = plain.map((v, i) => (v - mean[i % o]) / Math.sqrt(variance[i % o] + 1e-5) * g[i % o] + beta[i % o]);
    const folded = foldBatchNorm(cw, cb, o, mean, variance, g, beta, 1e-5);
    for (const [who, got] of await everywhere('conv2d', (p) => conv(p, folded.weight, folded.bias), 'out')) {
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i]), who).toBeLessThanOrEqual(1e-5);
    }
  });
});
