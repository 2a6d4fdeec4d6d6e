import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  adaptiveAvgPool2d, adaptiveAvgPool2dReference, attentionEager, attentionFused, attentionReference, batchNorm, batchNormReference,
  conv2d, conv2dOutputShape, conv2dReference, crossEntropy, crossEntropyReference, geluErf, geluErfReference, geluTanh, geluTanhReference,
  interpolate, interpolateReference, layerNorm, layerNormReference, linear, linearReference, maxPool2d, maxPool2dReference, pixelShuffle,
  patchEmbed, patchEmbedReference, pixelShuffleReference, prepareLinear, softmax, softmaxReference, type AttentionIO, type AttentionShape, type InterpolateOptions,
} from '@purevit/core';
import { readSafetensors } from './helpers/safetensors.js';

// One conformance table for every implementation: each golden case from PyTorch (golden/kernels) runs
// against the naive reference kernels and against the fast ones, under the golden README's tolerance.

const dir = fileURLToPath(new URL('../../../golden/kernels/', import.meta.url));

interface GoldenOp {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, string>;
  output: string;
  output_shape: number[];
  fp32_error: number;
  expected_max_abs: number;
}

const spec = JSON.parse(readFileSync(`${dir}kernels.json`, 'utf8')) as { ops: GoldenOp[] };
const tensors = readSafetensors(`${dir}kernels.safetensors`);

function f32(name: string): Float32Array {
  const t = tensors.get(name);
  if (!t || t.dtype !== 'F32') throw new Error(`golden tensor ${name} missing or not F32`);
  return t.data as Float32Array;
}
function shapeOf(name: string): number[] {
  const t = tensors.get(name);
  if (!t) throw new Error(`golden tensor ${name} missing`);
  return t.shape;
}

type AttentionKernel = (io: AttentionIO, shape: AttentionShape) => void;

/** The kernels one implementation provides, with the signatures of the public API. */
interface Implementation {
  linear(x: Float32Array, rows: number, w: Float32Array, b: Float32Array | null, outF: number, inF: number, out: Float32Array): void;
  layerNorm: typeof layerNorm;
  geluErf: typeof geluErf;
  geluTanh: typeof geluTanh;
  softmax: typeof softmax;
  attention: Record<string, AttentionKernel>;
  conv2d: typeof conv2d;
  patchEmbed: typeof patchEmbed;
  maxPool2d: typeof maxPool2d;
  adaptiveAvgPool2d: typeof adaptiveAvgPool2d;
  batchNorm: typeof batchNorm;
  pixelShuffle: typeof pixelShuffle;
  interpolate: typeof interpolate;
  crossEntropy: typeof crossEntropy;
}

const implementations: Record<string, Implementation> = {
  reference: {
    linear: (x, rows, w, b, outF, inF, out) => linearReference(x, rows, w, b, outF, inF, out),
    layerNorm: layerNormReference,
    geluErf: geluErfReference,
    geluTanh: geluTanhReference,
    softmax: softmaxReference,
    attention: { reference: (io, s) => attentionReference(io, s) },
    conv2d: conv2dReference,
    patchEmbed: patchEmbedReference,
    maxPool2d: maxPool2dReference,
    adaptiveAvgPool2d: adaptiveAvgPool2dReference,
    batchNorm: batchNormReference,
    pixelShuffle: pixelShuffleReference,
    interpolate: interpolateReference,
    crossEntropy: crossEntropyReference,
  },
  fast: {
    linear: (x, rows, w, b, outF, inF, out) => linear(x, rows, prepareLinear(w, b, outF, inF), out),
    layerNorm,
    geluErf,
    geluTanh,
    softmax,
    attention: { eager: (io, s) => attentionEager(io, s), fused: attentionFused },
    conv2d,
    patchEmbed,
    maxPool2d,
    adaptiveAvgPool2d,
    batchNorm,
    pixelShuffle,
    interpolate,
    crossEntropy,
  },
};

/** [B, H, N, D] → one fused token-major qkv buffer [B*N, 3*H*D] (as a qkv projection writes it). */
function runAttention(kernel: AttentionKernel, q: Float32Array, k: Float32Array, v: Float32Array, dims: number[], scale: number): Float32Array {
  const [batch, heads, n, headDim] = dims;
  const width = heads * headDim;
  const qkv = new Float32Array(batch * n * 3 * width);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++)
        for (let d = 0; d < headDim; d++) {
          const src = ((b * heads + h) * n + i) * headDim + d;
          const row = (b * n + i) * 3 * width + h * headDim + d;
          qkv[row] = q[src];
          qkv[row + width] = k[src];
          qkv[row + 2 * width] = v[src];
        }
  const out = new Float32Array(batch * n * width);
  const io: AttentionIO = {
    q: qkv, qOffset: 0, qRowStride: 3 * width,
    k: qkv, kOffset: width, kRowStride: 3 * width,
    v: qkv, vOffset: 2 * width, vRowStride: 3 * width,
    out, outRowStride: width,
  };
  kernel(io, { batch, heads, queryLen: n, keyLen: n, headDim, scale });
  const result = new Float32Array(out.length);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++)
        for (let d = 0; d < headDim; d++) result[((b * heads + h) * n + i) * headDim + d] = out[(b * n + i) * width + h * headDim + d];
  return result;
}

/** Runs one golden case; returns the outputs keyed by kernel variant. */
function run(impl: Implementation, g: GoldenOp): Record<string, Float32Array> {
  const p = g.params;
  const size = g.output_shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  const input = (key: string): Float32Array => f32(g.inputs[key]);
  const optional = (key: string): Float32Array | null => (g.inputs[key] ? f32(g.inputs[key]) : null);
  switch (g.op) {
    case 'torch.nn.functional.interpolate': {
      const [outH, outW] = p.size as number[];
      const options: InterpolateOptions = {
        mode: p.mode as InterpolateOptions['mode'],
        alignCorners: (p.align_corners as boolean | undefined) ?? false,
        antialias: (p.antialias as boolean | undefined) ?? false,
      };
      impl.interpolate(input('input'), shapeOf(g.inputs.input), outH, outW, options, out);
      return { [g.op]: out };
    }
    case 'torch.nn.functional.gelu':
      (p.approximate === 'tanh' ? impl.geluTanh : impl.geluErf)(input('input'), out);
      return { [g.op]: out };
    case 'torch.nn.functional.layer_norm': {
      const [dim] = p.normalized_shape as number[];
      impl.layerNorm(input('input'), size / dim, dim, optional('weight'), optional('bias'), p.eps as number, out);
      return { [g.op]: out };
    }
    case 'torch.nn.functional.softmax': {
      const shape = shapeOf(g.inputs.input);
      const cols = shape[shape.length - 1];
      impl.softmax(input('input'), size / cols, cols, out);
      return { [g.op]: out };
    }
    case 'torch.nn.functional.conv2d': {
      const xShape = shapeOf(g.inputs.input);
      const wShape = shapeOf(g.inputs.weight);
      const options = { stride: p.stride as number, padding: p.padding as number, dilation: p.dilation as number, groups: p.groups as number };
      expect(conv2dOutputShape(xShape, wShape, options)).toEqual(g.output_shape);
      impl.conv2d(input('input'), xShape, input('weight'), wShape, optional('bias'), out, options);
      if (!(options.stride === wShape[2] && wShape[2] === wShape[3] && options.padding === 0 && options.dilation === 1 && options.groups === 1)) {
        return { [g.op]: out };
      }
      // A patch-embedding conv also runs through patchEmbed (token-major), transposed back to NCHW.
      const [n, o, gh, gw] = g.output_shape;
      const tokens = new Float32Array(size);
      impl.patchEmbed(input('input'), xShape, input('weight'), optional('bias'), options.stride, tokens);
      const nchw = new Float32Array(size);
      for (let b = 0; b < n; b++)
        for (let t = 0; t < gh * gw; t++) for (let c = 0; c < o; c++) nchw[(b * o + c) * gh * gw + t] = tokens[(b * gh * gw + t) * o + c];
      return { [g.op]: out, patchEmbed: nchw };
    }
    case 'torch.nn.functional.max_pool2d':
      impl.maxPool2d(input('input'), shapeOf(g.inputs.input), {
        kernel: p.kernel_size as number, stride: p.stride as number, padding: p.padding as number, ceilMode: p.ceil_mode as boolean,
      }, out);
      return { [g.op]: out };
    case 'torch.nn.functional.adaptive_avg_pool2d': {
      const s = p.output_size as number;
      impl.adaptiveAvgPool2d(input('input'), shapeOf(g.inputs.input), s, s, out);
      return { [g.op]: out };
    }
    case 'torch.nn.functional.batch_norm':
      expect(p.training).toBe(false);
      impl.batchNorm(input('input'), shapeOf(g.inputs.input), input('running_mean'), input('running_var'), optional('weight'), optional('bias'), p.eps as number, out);
      return { [g.op]: out };
    case 'torch.nn.functional.pixel_shuffle':
      impl.pixelShuffle(input('input'), shapeOf(g.inputs.input), p.upscale_factor as number, out);
      return { [g.op]: out };
    case 'torch.nn.functional.linear': {
      const [outF, inF] = shapeOf(g.inputs.weight);
      impl.linear(input('input'), size / outF, input('weight'), optional('bias'), outF, inF, out);
      return { [g.op]: out };
    }
    case 'torch.nn.functional.cross_entropy': {
      expect(p.reduction).toBe('mean');
      const [rows, classes] = shapeOf(g.inputs.input);
      const target = tensors.get(g.inputs.target);
      if (!target || target.dtype !== 'I64') throw new Error('cross entropy target must be I64');
      return { [g.op]: Float32Array.of(impl.crossEntropy(input('input'), rows, classes, target.data as BigInt64Array)) };
    }
    default: {
      if (!g.op.startsWith('scaled_dot_product_attention')) throw new Error(`golden op ${g.op} has no runner`);
      const dims = shapeOf(g.inputs.query);
      const result: Record<string, Float32Array> = {};
      for (const [variant, kernel] of Object.entries(impl.attention)) {
        result[variant] = runAttention(kernel, input('query'), input('key'), input('value'), dims, p.scale as number);
      }
      return result;
    }
  }
}

/** Worst error ratio per op family and implementation: err / fp32_error, or err / bound when fp32_error is 0. */
const worst = new Map<string, Map<string, number>>();
const family = (name: string): string => name.split('.').slice(0, /^(interpolate|gelu)\./.test(name) ? 2 : 1).join('.');

describe('golden kernels (torch.nn.functional)', () => {
  it('covers every op of kernels.json', () => {
    expect(spec.ops.length).toBeGreaterThanOrEqual(40);
  });

  for (const [implName, impl] of Object.entries(implementations)) {
    for (const g of spec.ops) {
      it(`${implName}: ${g.name}`, () => {
        const expected = f32(g.output);
        const bound = 8 * g.fp32_error + 1e-6 * Math.max(1, g.expected_max_abs);
        const outputs = Object.entries(run(impl, g));
        for (const [variant, actual] of outputs) {
          expect(actual.length).toBe(expected.length);
          let err = 0;
          for (let i = 0; i < expected.length; i++) {
            const d = Math.abs(actual[i] - expected[i]);
            if (!(d <= err)) err = d; // NaN counts as a failure
          }
          const ratio = err / (g.fp32_error > 0 ? g.fp32_error : bound);
          const fam = variant === g.op ? family(g.name) : `${family(g.name)} (${variant})`;
          const row = worst.get(fam) ?? new Map<string, number>();
          row.set(implName, Math.max(row.get(implName) ?? 0, ratio));
          worst.set(fam, row);
          expect(err, `${g.name} [${implName} ${variant}]: max|a-e| = ${err}, bound ${bound}`).toBeLessThanOrEqual(bound);
        }
      });
    }
  }

  afterAll(() => {
    const table: Record<string, Record<string, string>> = {};
    for (const [fam, row] of worst) table[fam] = Object.fromEntries([...row].map(([k, v]) => [k, v.toExponential(2)]));
    console.log('worst golden error ratio (err / fp32_error; err / bound where fp32_error = 0):');
    console.table(table);
  });
});
