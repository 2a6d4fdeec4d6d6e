import fc from 'fast-check';
import { awkwardSize, randomArray, relative, seed, type OpCase, type Place } from './harness.js';

export interface AttentionCase {
  label: string;
  qkv: Float32Array;
  width: number;
  shape: { batch: number; heads: number; queryLen: number; keyLen: number; headDim: number };
  headMask: Float32Array;
  /** Additive terms: a relative-position-like bias [heads, n, n] and a Swin-like mask [windows, n, n] of 0 / -100. */
  bias: Float32Array | null;
  attnMask: Float32Array | null;
}

/**
 * Self-attention on views into one fused qkv projection (as models call it), batch and heads awkward, up to 300
 * keys (several key blocks), with or without an additive bias and a per-window mask (batch = images × windows).
 */
export const attentionCase: fc.Arbitrary<AttentionCase> = fc.record({
  batch: fc.constantFrom(1, 2, 2, 4), heads: fc.integer({ min: 1, max: 4 }),
  tokens: fc.oneof({ weight: 4, arbitrary: awkwardSize(150) }, { weight: 1, arbitrary: fc.constant(300) }),
  headDim: fc.constantFrom(1, 7, 16, 64), terms: fc.constantFrom('none', 'none', 'bias', 'mask', 'both'), windows: fc.constantFrom(1, 2, 4), s: seed,
}).map((drawn) => {
  // 300 keys (several key blocks of the fused kernels) with small heads: the float64 reference is quadratic.
  // batch 4 (images × windows) with short windows only
  const c = drawn.tokens > 150 ? { ...drawn, batch: 1, heads: Math.min(drawn.heads, 2), headDim: Math.min(drawn.headDim, 16) }
    : drawn.batch === 4 && drawn.tokens > 64 ? { ...drawn, batch: 2 } : drawn;
  const width = c.heads * c.headDim;
  const n = c.tokens, windows = c.batch % c.windows === 0 ? c.windows : 1;
  const bias = c.terms === 'bias' || c.terms === 'both' ? randomArray(c.heads * n * n, c.s + 2, 3) : null;
  const attnMask = c.terms === 'mask' || c.terms === 'both' ? randomArray(windows * n * n, c.s + 3).map((r) => (r < -0.4 ? -100 : 0)) : null;
  return {
    bias, attnMask,
    label: JSON.stringify(c), width,
    qkv: randomArray(c.batch * c.tokens * 3 * width, c.s, 2),
    shape: { batch: c.batch, heads: c.heads, queryLen: c.tokens, keyLen: c.tokens, headDim: c.headDim },
    headMask: randomArray(c.heads, c.s + 1),
  };
});

/** The arguments over placed qkv / out arrays. */
export function attentionArgs<A>(c: AttentionCase, p: Place<A>, qkv: A, out: A) {
  const ld = 3 * c.width;
  return {
    q: qkv, ldq: ld, k: p.view(qkv, c.width), ldk: ld, v: p.view(qkv, 2 * c.width), ldv: ld, out, ldo: c.width, ...c.shape,
    bias: c.bias && p.array(c.bias), attnMask: c.attnMask && p.array(c.attnMask),
  };
}

export const attentionTolerance: OpCase<'attentionFused'>['tolerance'] = (field, ref) =>
  field === 'probs' ? relative(2e-5, 2e-6)(field, ref) : relative(2e-5, 2e-5)(field, ref);
