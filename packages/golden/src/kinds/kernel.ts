/**
 * Kind "kernel" (kernels.json + kernels.safetensors): each torch.nn.functional case runs against every
 * kernel implementation (see kernel-implementations.ts); each implementation is one variant of the
 * case. Attention inputs are stored [B, H, N, D] and go through the token-major fused-qkv layout the
 * models use; a patch-embedding conv also runs through patchEmbed.
 */

import path from 'node:path';
import { Tensor, conv2dOutputShape, type AttentionIO } from '@purevit/core';
import type { GoldenCase } from '../case.js';
import { IoFile } from '../io.js';
import { judge, type CaseOutcome, type VariantResult } from '../outcome.js';
import { compareTensor, worstRatio, type Comparison } from '../tolerance.js';
import { kernelImplementations, type AttentionKernel, type KernelImplementation } from './kernel-implementations.js';

export interface KernelOp {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, string>;
  output: string;
  output_shape: number[];
  fp32_error: number;
  expected_max_abs: number;
}

interface KernelInputs {
  f32(key: string): Float32Array;
  optional(key: string): Float32Array | null;
  shape(key: string): readonly number[];
  int64(key: string): BigInt64Array;
}

export async function runKernelCase(goldenCase: GoldenCase): Promise<CaseOutcome> {
  const ops = goldenCase.json.ops as KernelOp[] | undefined;
  const file = goldenCase.json.file;
  if (!Array.isArray(ops) || typeof file !== 'string') throw new Error(`${goldenCase.file} needs "ops" and "file"`);
  const io = await IoFile.open(path.join(goldenCase.dir, file));
  const tensors = new Map<string, { data: Float32Array | BigInt64Array; shape: readonly number[] }>();
  for (const op of ops) {
    for (const name of Object.values(op.inputs)) {
      if (tensors.has(name)) continue;
      const data = io.dtype(name) === 'I64' ? ((await io.typed(name)) as BigInt64Array) : (await io.tensor(name)).data;
      tensors.set(name, { data, shape: io.shape(name) });
    }
  }
  const variants: VariantResult[] = [];
  for (const [label, impl] of Object.entries(await kernelImplementations())) {
    const comparisons: Comparison[] = [];
    for (const op of ops) {
      const expected = await io.tensor(op.output);
      const inputs = inputsOf(op, tensors);
      let outputs: Record<string, Float32Array>;
      try {
        outputs = await runOp(impl, op, inputs);
      } catch (err) {
        comparisons.push({ name: op.name, maxError: Infinity, bound: 0, ratio: Infinity, problem: (err as Error).message });
        continue;
      }
      for (const [variant, data] of Object.entries(outputs)) {
        const name = variant === '' ? op.name : `${op.name} (${variant})`;
        comparisons.push(compareTensor(name, new Tensor(data, expected.shape), expected, op.fp32_error, op.expected_max_abs));
      }
    }
    variants.push({ label, comparisons, worstRatio: worstRatio(comparisons) });
  }
  return judge(variants);
}

function inputsOf(op: KernelOp, tensors: ReadonlyMap<string, { data: Float32Array | BigInt64Array; shape: readonly number[] }>): KernelInputs {
  const get = (key: string) => {
    const name = op.inputs[key];
    const t = name === undefined ? undefined : tensors.get(name);
    if (!t) throw new Error(`${op.name}: input ${key} missing`);
    return t;
  };
  return {
    f32(key) {
      const { data } = get(key);
      if (!(data instanceof Float32Array)) throw new Error(`${op.name}: input ${key} is not a float tensor`);
      return data;
    },
    optional: (key) => (op.inputs[key] === undefined ? null : (get(key).data as Float32Array)),
    shape: (key) => get(key).shape,
    int64(key) {
      const { data } = get(key);
      if (!(data instanceof BigInt64Array)) throw new Error(`${op.name}: input ${key} is not I64`);
      return data;
    },
  };
}

/** Runs one op with one implementation; the outputs keyed by variant ('' for the op itself). */
async function runOp(impl: KernelImplementation, op: KernelOp, input: KernelInputs): Promise<Record<string, Float32Array>> {
  const p = op.params;
  const size = op.output_shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(size);
  switch (op.op) {
    case 'torch.nn.functional.interpolate': {
      const [outH, outW] = p.size as number[];
      const mode = p.mode as 'nearest' | 'bilinear' | 'bicubic';
      await impl.interpolate(input.f32('input'), input.shape('input'), outH, outW, {
        mode, alignCorners: (p.align_corners as boolean | undefined) ?? false, antialias: (p.antialias as boolean | undefined) ?? false,
      }, out);
      return { '': out };
    }
    case 'torch.nn.functional.gelu':
      await (p.approximate === 'tanh' ? impl.geluTanh : impl.geluErf)(input.f32('input'), out);
      return { '': out };
    case 'torch.nn.functional.layer_norm': {
      const [dim] = p.normalized_shape as number[];
      await impl.layerNorm(input.f32('input'), size / dim, dim, input.optional('weight'), input.optional('bias'), p.eps as number, out);
      return { '': out };
    }
    case 'torch.nn.functional.softmax': {
      if (p.dim !== -1) throw new Error(`softmax over dim ${String(p.dim)} is not supported (last axis only)`);
      const shape = input.shape('input');
      const cols = shape[shape.length - 1];
      await impl.softmax(input.f32('input'), size / cols, cols, out);
      return { '': out };
    }
    case 'torch.nn.functional.conv2d':
      return runConv(impl, op, input, out);
    case 'torch.nn.functional.max_pool2d':
      impl.maxPool2d(input.f32('input'), input.shape('input'), {
        kernel: p.kernel_size as number, stride: p.stride as number, padding: p.padding as number, ceilMode: p.ceil_mode as boolean,
      }, out);
      return { '': out };
    case 'torch.nn.functional.adaptive_avg_pool2d': {
      const s = p.output_size as number;
      impl.adaptiveAvgPool2d(input.f32('input'), input.shape('input'), s, s, out);
      return { '': out };
    }
    case 'torch.nn.functional.batch_norm':
      if (p.training !== false) throw new Error('batch_norm is supported in eval mode only');
      impl.batchNorm(input.f32('input'), input.shape('input'), input.f32('running_mean'), input.f32('running_var'),
        input.optional('weight'), input.optional('bias'), p.eps as number, out);
      return { '': out };
    case 'torch.nn.functional.pixel_shuffle':
      impl.pixelShuffle(input.f32('input'), input.shape('input'), p.upscale_factor as number, out);
      return { '': out };
    case 'torch.nn.functional.linear': {
      const [outFeatures, inFeatures] = input.shape('weight');
      await impl.linear(input.f32('input'), size / outFeatures, input.f32('weight'), input.optional('bias'), outFeatures, inFeatures, out);
      return { '': out };
    }
    case 'torch.nn.functional.cross_entropy': {
      if (p.reduction !== 'mean') throw new Error(`cross_entropy reduction ${String(p.reduction)} is not supported`);
      const [rows, classes] = input.shape('input');
      return { '': Float32Array.of(impl.crossEntropy(input.f32('input'), rows, classes, input.int64('target'))) };
    }
    default: {
      if (!op.op.startsWith('scaled_dot_product_attention')) throw new Error(`op ${op.op} has no runner`);
      const result: Record<string, Float32Array> = {};
      for (const [variant, kernel] of Object.entries(impl.attention)) {
        result[variant] = await runAttention(kernel, input.f32('query'), input.f32('key'), input.f32('value'), input.shape('query'), p.scale as number);
      }
      return result;
    }
  }
}

async function runConv(impl: KernelImplementation, op: KernelOp, input: KernelInputs, out: Float32Array): Promise<Record<string, Float32Array>> {
  const p = op.params;
  const xShape = input.shape('input');
  const wShape = input.shape('weight');
  const options = { stride: p.stride as number, padding: p.padding as number, dilation: p.dilation as number, groups: p.groups as number };
  const shape = conv2dOutputShape(xShape, wShape, options);
  if (shape.join() !== op.output_shape.join()) throw new Error(`conv2dOutputShape gives [${shape.join(',')}], expected [${op.output_shape.join(',')}]`);
  await impl.conv2d(input.f32('input'), xShape, input.f32('weight'), wShape, input.optional('bias'), out, options);
  const isPatchConv = options.stride === wShape[2] && wShape[2] === wShape[3] && options.padding === 0 && options.dilation === 1 && options.groups === 1;
  if (!isPatchConv) return { '': out };
  // The patch-embedding path writes tokens [N, gh·gw, O]; transpose back to NCHW to compare.
  const [n, o, gh, gw] = op.output_shape;
  const tokens = new Float32Array(out.length);
  await impl.patchEmbed(input.f32('input'), xShape, input.f32('weight'), input.optional('bias'), options.stride, tokens);
  const nchw = new Float32Array(out.length);
  for (let b = 0; b < n; b++)
    for (let t = 0; t < gh * gw; t++) for (let c = 0; c < o; c++) nchw[(b * o + c) * gh * gw + t] = tokens[(b * gh * gw + t) * o + c];
  return { '': out, patchEmbed: nchw };
}

/** q, k, v [B, H, N, D] → one fused token-major qkv buffer [B·N, 3·H·D] (as a qkv projection writes it) → [B, H, N, D]. */
async function runAttention(kernel: AttentionKernel, q: Float32Array, k: Float32Array, v: Float32Array, dims: readonly number[], scale: number): Promise<Float32Array> {
  const [batch, heads, n, headDim] = dims;
  const width = heads * headDim;
  const qkv = new Float32Array(batch * n * 3 * width);
  const out = new Float32Array(batch * n * width);
  const headMajor = (b: number, h: number, i: number, d: number): number => ((b * heads + h) * n + i) * headDim + d;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++)
        for (let d = 0; d < headDim; d++) {
          const row = (b * n + i) * 3 * width + h * headDim + d;
          qkv[row] = q[headMajor(b, h, i, d)];
          qkv[row + width] = k[headMajor(b, h, i, d)];
          qkv[row + 2 * width] = v[headMajor(b, h, i, d)];
        }
  const io: AttentionIO = {
    q: qkv, qOffset: 0, qRowStride: 3 * width,
    k: qkv, kOffset: width, kRowStride: 3 * width,
    v: qkv, vOffset: 2 * width, vRowStride: 3 * width,
    out, outRowStride: width,
  };
  await kernel(io, { batch, heads, queryLen: n, keyLen: n, headDim, scale });
  const result = new Float32Array(out.length);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++) for (let d = 0; d < headDim; d++) result[headMajor(b, h, i, d)] = out[(b * n + i) * width + h * headDim + d];
  return result;
}
