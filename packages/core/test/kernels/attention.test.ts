import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { attentionEager, attentionEagerUnits, attentionFused, attentionFusedUnits, attentionReference, type AttentionIO, type AttentionShape } from '@purevit/core';
import { awkwardSize, maxAbsDiff, randomArray, seed } from '../helpers/random.js';

interface Case {
  io: AttentionIO;
  shape: AttentionShape;
}

/** q, k, v as strided views into one fused [tokens, 3·width + pad] buffer (a qkv projection), with an offset. */
function makeCase(batch: number, heads: number, queryLen: number, keyLen: number, headDim: number, s: number, magnitude: number, pad: number): Case {
  const width = heads * headDim;
  const stride = 3 * width + pad;
  const rows = batch * Math.max(queryLen, keyLen);
  const qkv = randomArray(7 + rows * stride, s, magnitude);
  const out = new Float32Array(batch * queryLen * (width + pad));
  return {
    io: {
      q: qkv, qOffset: 7, qRowStride: stride,
      k: qkv, kOffset: 7 + width, kRowStride: stride,
      v: randomArray(3 + batch * keyLen * width, s + 1, 1), vOffset: 3, vRowStride: width,
      out, outRowStride: width + pad,
    },
    shape: { batch, heads, queryLen, keyLen, headDim },
  };
}

function run(kernel: (io: AttentionIO, shape: AttentionShape) => void, c: Case): Float32Array {
  const out = new Float32Array(c.io.out.length);
  kernel({ ...c.io, out }, c.shape);
  return out;
}

describe('attention', () => {
  it('fused == eager == reference on random shapes and strided views (atol 1e-5)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), awkwardSize(150), awkwardSize(150), fc.constantFrom(1, 3, 4, 8, 13, 16, 64),
        seed, fc.constantFrom(0.5, 2, 6), fc.constantFrom(0, 5),
        (batch, heads, queryLen, keyLen, headDim, s, magnitude, pad) => {
          const c = makeCase(batch, heads, queryLen, keyLen, headDim, s, magnitude, pad);
          const ref = run((io, sh) => attentionReference(io, sh), c);
          const eager = run((io, sh) => attentionEager(io, sh), c);
          const fused = run(attentionFused, c);
          expect(maxAbsDiff(eager, ref)).toBeLessThanOrEqual(1e-5);
          expect(maxAbsDiff(fused, ref)).toBeLessThanOrEqual(1e-5);
          expect(maxAbsDiff(fused, eager)).toBeLessThanOrEqual(1e-5);
        }),
      { numRuns: 50 },
    );
  });

  it('stays stable when scores reach ±1e4 and the running max changes between key tiles', () => {
    const c = makeCase(1, 2, 9, 200, 8, 42, 40, 0); // scores ~ q·k/√8 with |q|,|k| ~ 40 → up to ~1e4
    const ref = run((io, sh) => attentionReference(io, sh), c);
    const fused = run(attentionFused, c);
    expect(fused.every(Number.isFinite)).toBe(true);
    expect(maxAbsDiff(fused, ref)).toBeLessThanOrEqual(1e-5);
    expect(maxAbsDiff(run((io, sh) => attentionEager(io, sh), c), ref)).toBeLessThanOrEqual(1e-5);
  });

  it('returns probabilities after the head mask and applies the mask to the output', () => {
    const [batch, heads, n, d] = [2, 3, 11, 5];
    const c = makeCase(batch, heads, n, n, d, 9, 1, 3);
    const headMask = Float32Array.of(1, 0, 0.5);
    const probsRef = new Float32Array(batch * heads * n * n);
    const probs = new Float32Array(batch * heads * n * n);
    const outRef = new Float32Array(c.io.out.length);
    const out = new Float32Array(c.io.out.length);
    attentionReference({ ...c.io, out: outRef }, c.shape, { headMask, probs: probsRef });
    attentionEager({ ...c.io, out }, c.shape, { headMask, probs });
    expect(maxAbsDiff(probs, probsRef)).toBeLessThanOrEqual(1e-6);
    expect(maxAbsDiff(out, outRef)).toBeLessThanOrEqual(1e-6);
    for (let b = 0; b < batch; b++)
      for (let h = 0; h < heads; h++)
        for (let i = 0; i < n; i++) {
          let sum = 0;
          for (let j = 0; j < n; j++) sum += probs[((b * heads + h) * n + i) * n + j];
          expect(sum).toBeCloseTo(headMask[h], 6);
        }
    // Head 1 is masked out entirely: its output slice is zero.
    for (let t = 0; t < batch * n; t++) for (let k = 0; k < d; k++) expect(out[t * c.io.outRowStride + d + k]).toBe(0);
  });

  it('honours an explicit scale', () => {
    const c = makeCase(1, 1, 6, 7, 4, 3, 1, 0);
    const shape = { ...c.shape, scale: 0.1 };
    const ref = new Float32Array(c.io.out.length);
    const fused = new Float32Array(c.io.out.length);
    attentionReference({ ...c.io, out: ref }, shape);
    attentionFused({ ...c.io, out: fused }, shape);
    expect(maxAbsDiff(fused, ref)).toBeLessThanOrEqual(1e-6);
    const dflt = run(attentionFused, c);
    expect(maxAbsDiff(dflt, fused)).toBeGreaterThan(1e-4);
  });

  it('splits into (batch, head) units for workers with identical results', () => {
    const c = makeCase(2, 3, 10, 13, 8, 17, 1, 2);
    const whole = run(attentionFused, c);
    const parts = new Float32Array(c.io.out.length);
    attentionFusedUnits({ ...c.io, out: parts }, c.shape, 0, 4);
    attentionFusedUnits({ ...c.io, out: parts }, c.shape, 4, 6);
    expect(Array.from(parts)).toEqual(Array.from(whole));
    const eager = run((io, sh) => attentionEager(io, sh), c);
    const eagerParts = new Float32Array(c.io.out.length);
    for (let u = 0; u < 6; u++) attentionEagerUnits({ ...c.io, out: eagerParts }, c.shape, u, u + 1);
    expect(Array.from(eagerParts)).toEqual(Array.from(eager));
  });

  it('rejects buffers too short for the declared layout', () => {
    const c = makeCase(1, 2, 4, 4, 8, 1, 1, 0);
    expect(() => attentionFused({ ...c.io, qRowStride: 8 }, c.shape)).toThrow(/qRowStride 8 is smaller than heads\*headDim = 16/);
    expect(() => attentionEager({ ...c.io, out: new Float32Array(10) }, c.shape)).toThrow(/out has 10 elements/);
  });
});
