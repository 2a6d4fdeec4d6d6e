/**
 * The op references (src/ops) under the call shapes these tests were written with (NCHW maps, offsets
 * into arrays, positional arguments): thin adapters, the arithmetic is the registry's.
 */

import { ACTIVATION_FORMULAS } from '../../../src/ops/activation.js';
import { conv2dOutputShape as nhwcOutputShape, convSpec, referenceConvWeight, type Conv2dOptions } from '../../../src/ops/conv2d.js';
import { runReference } from '../../../src/ops/index.js';
import { torchGemmWeight } from '../../../src/ops/linear.js';

export const activationFormulas = ACTIVATION_FORMULAS;

type Shape4 = [number, number, number, number];

function nchwToNhwc(x: Float32Array, [n, c, h, w]: readonly number[]): Float32Array {
  const out = new Float32Array(n * c * h * w);
  runReference('transpose', { x, out, batch: n, rows: c, cols: h * w });
  return out;
}

function nhwcToNchw(x: Float32Array, [n, h, w, c]: readonly number[]): Float32Array {
  const out = new Float32Array(n * c * h * w);
  runReference('transpose', { x, out, batch: n, rows: h * w, cols: c });
  return out;
}

export function linearReference(
  x: Float32Array, rows: number, weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number, out: Float32Array,
): void {
  runReference('linear', { x, rows, weight: torchGemmWeight(weight, bias, outFeatures, inFeatures), out });
}

export function layerNormReference(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): void {
  runReference('layerNorm', { x, out, rows, dim, weight, bias, eps });
}

export function softmaxReference(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  runReference('softmax', { x, out, rows, cols });
}

export interface AttentionIO {
  q: Float32Array; qOffset: number; qRowStride: number;
  k: Float32Array; kOffset: number; kRowStride: number;
  v: Float32Array; vOffset: number; vRowStride: number;
  out: Float32Array; outRowStride: number;
}

export function attentionReference(
  io: AttentionIO, shape: { batch: number; heads: number; queryLen: number; keyLen: number; headDim: number; scale?: number },
  options: { headMask?: Float32Array; probs?: Float32Array } = {},
): void {
  runReference('attentionEager', {
    q: io.q.subarray(io.qOffset), ldq: io.qRowStride, k: io.k.subarray(io.kOffset), ldk: io.kRowStride, v: io.v.subarray(io.vOffset), ldv: io.vRowStride,
    out: io.out, ldo: io.outRowStride, ...shape, headMask: options.headMask ?? null, probs: options.probs ?? null,
  });
}

/** Output shape [N, O, OH, OW] of an NCHW conv. */
export function conv2dOutputShape(xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions = {}): Shape4 {
  const [n, c, h, w] = xShape;
  const [, oh, ow, o] = nhwcOutputShape([n, h, w, c], convSpec(wShape, options));
  return [n, o, oh, ow];
}

/** torch's conv2d on NCHW maps: the conv op's reference between transposes. */
export function conv2dReference(
  x: Float32Array, xShape: readonly number[], weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, out: Float32Array, options: Conv2dOptions = {},
): void {
  const [n, c, h, w] = xShape;
  const shape = nhwcOutputShape([n, h, w, c], convSpec(wShape, options));
  const y = new Float32Array(shape.reduce((a, b) => a * b, 1));
  runReference('conv2d', { x: nchwToNhwc(x, xShape), shape: [n, h, w, c], weight: referenceConvWeight(weight, wShape, bias, options), out: y });
  out.set(nhwcToNchw(y, shape));
}

/** A patch embedding, token-major [n, gh·gw, o]: patchify then the linear reference. */
export function patchEmbedReference(x: Float32Array, xShape: readonly number[], weight: Float32Array, bias: Float32Array | null, patch: number, out: Float32Array): void {
  const [n, c, h, w] = xShape;
  const grid = [Math.floor(h / patch), Math.floor(w / patch)] as const;
  const k = c * patch * patch, o = weight.length / k;
  const rows = new Float32Array(n * grid[0] * grid[1] * k);
  runReference('patchify', { pixels: x, shape: [n, c, h, w], patch: [patch, patch], grid, out: rows });
  runReference('linear', { x: rows, rows: n * grid[0] * grid[1], weight: torchGemmWeight(weight, bias, o, k), out });
}

/** torch's max_pool2d on NCHW maps (the pool2d op's reference between transposes). */
export function maxPool2dReference(
  x: Float32Array, xShape: readonly number[],
  options: { kernel: number; stride?: number; padding?: number; dilation?: number | readonly [number, number]; ceilMode?: boolean }, out: Float32Array,
): void {
  const [n, c, h, w] = xShape;
  const pair = (v: number | readonly [number, number]): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);
  const args = {
    shape: [n, h, w, c] as Shape4, mode: 'max' as const, kernel: pair(options.kernel), stride: pair(options.stride ?? options.kernel),
    padding: pair(options.padding ?? 0), dilation: pair(options.dilation ?? 1), ceilMode: options.ceilMode ?? false,
  };
  const [, oh, ow] = nhwcOutputShapeOfPool(args);
  const y = new Float32Array(n * oh * ow * c);
  runReference('pool2d', { ...args, x: nchwToNhwc(x, xShape), out: y });
  out.set(nhwcToNchw(y, [n, oh, ow, c]));
}

function nhwcOutputShapeOfPool(a: { shape: Shape4; kernel: [number, number]; stride: [number, number]; padding: [number, number]; dilation: [number, number]; ceilMode: boolean }): Shape4 {
  const size = (s: number, k: number, p: number, st: number, d: number): number => {
    let o = Math.floor((s + 2 * p - d * (k - 1) - 1 + (a.ceilMode ? st - 1 : 0)) / st) + 1;
    if (a.ceilMode && (o - 1) * st >= s + p) o--;
    return o;
  };
  const [n, h, w, c] = a.shape;
  return [n, size(h, a.kernel[0], a.padding[0], a.stride[0], a.dilation[0]), size(w, a.kernel[1], a.padding[1], a.stride[1], a.dilation[1]), c];
}

/** torch's adaptive_avg_pool2d on NCHW maps. */
export function adaptiveAvgPool2dReference(x: Float32Array, xShape: readonly number[], outH: number, outW: number, out: Float32Array): void {
  const [n, c, h, w] = xShape;
  const y = new Float32Array(n * outH * outW * c);
  runReference('adaptivePool2d', { x: nchwToNhwc(x, xShape), shape: [n, h, w, c], mode: 'avg', outSize: [outH, outW], out: y });
  out.set(nhwcToNchw(y, [n, outH, outW, c]));
}
