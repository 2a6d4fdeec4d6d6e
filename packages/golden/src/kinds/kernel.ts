/**
 * Kind "kernel" (kernels.json + kernels.safetensors): each torch.nn.functional case runs as op calls against
 * every implementation (see kernel-implementations.ts: the references and every engine); each implementation
 * is one variant of the case. NCHW ops run channels-last between transposes, as models run them; attention
 * inputs are stored [B, H, N, D] and go through the token-major fused-qkv layout the models use; a
 * patch-embedding conv also runs as patchify + one GEMM.
 */

import path from 'node:path';
import { Tensor, conv2dOutputShape, convSpec, depthwiseWeight, isDepthwise } from '@purevit/core';
import type { GoldenCase } from '../case.js';
import { IoFile } from '../io.js';
import { judge, type CaseOutcome, type VariantResult } from '../outcome.js';
import { compareTensor, worstRatio, type Comparison } from '../tolerance.js';
import { kernelImplementations, type KernelImplementation, type OpCall, type Place, type Program } from './kernel-implementations.js';

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

/** NCHW [n, c, h, w] → NHWC through the transpose op (n matrices [c, h·w] → [h·w, c]). */
function toNhwc<A>(place: Place<A>, op: OpCall<A>, x: A, [n, c, h, w]: readonly number[]): A {
  const out = place.zeros(n * c * h * w);
  op('transpose', { x, out, batch: n, rows: c, cols: h * w });
  return out;
}

/** NHWC [n, h, w, c] → NCHW. */
function toNchw<A>(place: Place<A>, op: OpCall<A>, x: A, [n, h, w, c]: readonly number[]): A {
  const out = place.zeros(n * c * h * w);
  op('transpose', { x, out, batch: n, rows: h * w, cols: c });
  return out;
}

/** Runs one torch op as op calls of one implementation; the outputs keyed by variant ('' for the op itself). */
async function runOp(impl: KernelImplementation, op: KernelOp, input: KernelInputs): Promise<Record<string, Float32Array>> {
  const p = op.params;
  const size = op.output_shape.reduce((a, b) => a * b, 1);
  const one = async (program: Program): Promise<Float32Array> => (await impl.run(program))[0];
  switch (op.op) {
    case 'torch.nn.functional.interpolate': {
      const [outH, outW] = p.size as number[];
      const shape = input.shape('input') as [number, number, number, number];
      return {
        '': await one((place, call) => {
          const out = place.zeros(size);
          call('interpolate', {
            x: place.array(input.f32('input')), shape, size: [outH, outW], out, mode: p.mode as 'nearest' | 'bilinear' | 'bicubic',
            alignCorners: (p.align_corners as boolean | undefined) ?? false, antialias: (p.antialias as boolean | undefined) ?? false,
          });
          return [out];
        }),
      };
    }
    case 'torch.nn.functional.gelu':
      return {
        '': await one((place, call) => {
          const out = place.zeros(size);
          call('activation', { x: place.array(input.f32('input')), out, activation: p.approximate === 'tanh' ? 'gelu_pytorch_tanh' : 'gelu' });
          return [out];
        }),
      };
    case 'torch.nn.functional.layer_norm': {
      const [dim] = p.normalized_shape as number[];
      const weight = input.optional('weight'), bias = input.optional('bias');
      return {
        '': await one((place, call) => {
          const out = place.zeros(size);
          call('layerNorm', { x: place.array(input.f32('input')), out, rows: size / dim, dim, weight: weight && place.array(weight), bias: bias && place.array(bias), eps: p.eps as number });
          return [out];
        }),
      };
    }
    case 'torch.nn.functional.softmax': {
      if (p.dim !== -1) throw new Error(`softmax over dim ${String(p.dim)} is not supported (last axis only)`);
      const shape = input.shape('input');
      const cols = shape[shape.length - 1];
      return {
        '': await one((place, call) => {
          const out = place.zeros(size);
          call('softmax', { x: place.array(input.f32('input')), out, rows: size / cols, cols });
          return [out];
        }),
      };
    }
    case 'torch.nn.functional.conv2d':
      return runConv(impl, op, input);
    case 'torch.nn.functional.max_pool2d': {
      const xShape = input.shape('input');
      const [n, c, h, w] = xShape;
      const [, , oh, ow] = op.output_shape;
      const k = p.kernel_size as number, st = p.stride as number, pad = p.padding as number;
      return {
        '': await one((place, call) => {
          const pooled = place.zeros(n * oh * ow * c);
          call('pool2d', {
            x: toNhwc(place, call, place.array(input.f32('input')), xShape), shape: [n, h, w, c], mode: 'max',
            kernel: [k, k], stride: [st, st], padding: [pad, pad], ceilMode: p.ceil_mode as boolean, out: pooled,
          });
          return [toNchw(place, call, pooled, [n, oh, ow, c])];
        }),
      };
    }
    case 'torch.nn.functional.adaptive_avg_pool2d': {
      const s = p.output_size as number;
      const xShape = input.shape('input');
      const [n, c, h, w] = xShape;
      return {
        '': await one((place, call) => {
          const pooled = place.zeros(n * s * s * c);
          call('adaptivePool2d', { x: toNhwc(place, call, place.array(input.f32('input')), xShape), shape: [n, h, w, c], mode: 'avg', outSize: [s, s], out: pooled });
          return [toNchw(place, call, pooled, [n, s, s, c])];
        }),
      };
    }
    case 'torch.nn.functional.batch_norm': {
      if (p.training !== false) throw new Error('batch_norm is supported in eval mode only');
      // Eval BatchNorm = x·α + β per channel, α = weight / sqrt(var + eps), β = bias − mean·α (folded on the host,
      // as models fold it into their convs), on channels-last values: op scaleAdd.
      const xShape = input.shape('input');
      const [n, c] = xShape;
      const inner = size / (n * c);
      const mean = input.f32('running_mean'), variance = input.f32('running_var'), weight = input.optional('weight'), bias = input.optional('bias');
      const alpha = new Float32Array(c), beta = new Float32Array(c);
      for (let ch = 0; ch < c; ch++) {
        const a = (weight ? weight[ch] : 1) / Math.sqrt(variance[ch] + (p.eps as number));
        alpha[ch] = a;
        beta[ch] = (bias ? bias[ch] : 0) - mean[ch] * a;
      }
      return {
        '': await one((place, call) => {
          const nhwc = toNhwc(place, call, place.array(input.f32('input')), [n, c, inner, 1]);
          const out = place.zeros(size);
          call('scaleAdd', { x: nhwc, scale: place.array(alpha), bias: place.array(beta), out, rows: n * inner, dim: c });
          return [toNchw(place, call, out, [n, inner, 1, c])];
        }),
      };
    }
    case 'torch.nn.functional.pixel_shuffle':
      return {
        '': await one((place, call) => {
          const out = place.zeros(size);
          call('pixelShuffle', { x: place.array(input.f32('input')), shape: input.shape('input') as [number, number, number, number], factor: p.upscale_factor as number, out });
          return [out];
        }),
      };
    case 'torch.nn.functional.linear': {
      const [outFeatures, inFeatures] = input.shape('weight');
      return {
        '': await one((place, call) => {
          const out = place.zeros(size);
          call('linear', { x: place.array(input.f32('input')), rows: size / outFeatures, weight: place.linear(input.f32('weight'), input.optional('bias'), outFeatures, inFeatures), out });
          return [out];
        }),
      };
    }
    case 'torch.nn.functional.cross_entropy': {
      if (p.reduction !== 'mean') throw new Error(`cross_entropy reduction ${String(p.reduction)} is not supported`);
      const [rows, classes] = input.shape('input');
      return { '': Float32Array.of(await impl.crossEntropy(input.f32('input'), rows, classes, input.int64('target'))) };
    }
    default: {
      if (!op.op.startsWith('scaled_dot_product_attention')) throw new Error(`op ${op.op} has no runner`);
      const result: Record<string, Float32Array> = {};
      for (const [variant, name] of Object.entries(impl.attention)) {
        result[variant] = await runAttention(impl, name, input.f32('query'), input.f32('key'), input.f32('value'), input.shape('query'), p.scale as number);
      }
      return result;
    }
  }
}

async function runConv(impl: KernelImplementation, op: KernelOp, input: KernelInputs): Promise<Record<string, Float32Array>> {
  const p = op.params;
  const xShape = input.shape('input');
  const wShape = input.shape('weight');
  const options = { stride: p.stride as number, padding: p.padding as number, dilation: p.dilation as number, groups: p.groups as number };
  const [n, c, h, w] = xShape;
  const shape = conv2dOutputShape([n, h, w, c], convSpec(wShape, options));
  const nchw = [shape[0], shape[3], shape[1], shape[2]];
  if (nchw.join() !== op.output_shape.join()) throw new Error(`conv2dOutputShape gives [${nchw.join(',')}], expected [${op.output_shape.join(',')}]`);
  const weight = input.f32('weight'), bias = input.optional('bias');
  // Channels-last, as models run it: NCHW → NHWC, the conv op, NHWC → NCHW.
  const [out] = await impl.run((place, call) => {
    const y = place.zeros(shape.reduce((a, b) => a * b, 1));
    call('conv2d', { x: toNhwc(place, call, place.array(input.f32('input')), xShape), shape: [n, h, w, c], weight: place.conv(weight, wShape, bias, options), out: y });
    return [toNchw(place, call, y, shape)];
  });
  const spec = convSpec(wShape, options);
  if (isDepthwise(spec)) {
    // A depthwise conv also through op depthwiseConv2d (its weight [kh, kw, c]), as the model layer runs it.
    const [dw] = await impl.run((place, call) => {
      const y = place.zeros(shape.reduce((a, b) => a * b, 1));
      call('depthwiseConv2d', {
        x: toNhwc(place, call, place.array(input.f32('input')), xShape), shape: [n, h, w, c], spec,
        weight: place.array(depthwiseWeight(weight, spec)), bias: bias && place.array(bias), out: y,
      });
      return [toNchw(place, call, y, shape)];
    });
    return { '': out, depthwise: dw };
  }
  const isPatchConv = options.stride === wShape[2] && wShape[2] === wShape[3] && options.padding === 0 && options.dilation === 1 && options.groups === 1;
  if (!isPatchConv) return { '': out };
  // The patch-embedding path (patchify + one GEMM over the patches, tokens [n, gh·gw, o]), transposed back to NCHW.
  const [, o, gh, gw] = op.output_shape;
  const patch = wShape[2];
  const [tokens] = await impl.run((place, call) => {
    const rows = place.zeros(n * gh * gw * c * patch * patch);
    call('patchify', { pixels: place.array(input.f32('input')), shape: [n, c, h, w], patch: [patch, patch], grid: [gh, gw], out: rows });
    const t = place.zeros(n * gh * gw * o);
    call('linear', { x: rows, rows: n * gh * gw, weight: place.linear(weight, bias, o, c * patch * patch), out: t });
    return [toNchw(place, call, t, [n, gh, gw, o])];
  });
  return { '': out, patchEmbed: tokens };
}

/** q, k, v [B, H, N, D] → one fused token-major qkv buffer [B·N, 3·H·D] (as a qkv projection writes it) → [B, H, N, D]. */
async function runAttention(
  impl: KernelImplementation, name: 'attentionEager' | 'attentionFused', q: Float32Array, k: Float32Array, v: Float32Array, dims: readonly number[], scale: number,
): Promise<Float32Array> {
  const [batch, heads, n, headDim] = dims;
  const width = heads * headDim;
  const qkv = new Float32Array(batch * n * 3 * width);
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
  const [out] = await impl.run((place, call) => {
    const x = place.array(qkv);
    const o = place.zeros(batch * n * width);
    call(name, {
      q: x, ldq: 3 * width, k: place.view(x, width), ldk: 3 * width, v: place.view(x, 2 * width), ldv: 3 * width, out: o, ldo: width,
      batch, heads, queryLen: n, keyLen: n, headDim, scale,
    });
    return [o];
  });
  const result = new Float32Array(out.length);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < n; i++) for (let d = 0; d < headDim; d++) result[headMajor(b, h, i, d)] = out[(b * n + i) * width + h * headDim + d];
  return result;
}
