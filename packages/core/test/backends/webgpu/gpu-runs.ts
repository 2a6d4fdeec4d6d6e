/**
 * Whole-call helpers for the WebGPU tests: CPU arrays in, CPU arrays out, each call one submission. NCHW
 * convolutions go through the backend's channels-last conv with the layout changes done on the GPU by strided
 * copies, as a model would.
 */

import type { AttentionShape } from '../../../src/ops/attention-args.js';
import type { Conv2dOptions } from '../../../src/ops/conv2d.js';
import type { GpuArray, WebGpuBackend } from '../../../src/backends/webgpu/index.js';

/** Reads `out` and frees every array given. */
async function readAndFree(gpu: WebGpuBackend, out: GpuArray, ...others: GpuArray[]): Promise<Float32Array> {
  const [values] = await gpu.read(out);
  for (const a of [out, ...others]) gpu.free(a);
  return values;
}

/** NCHW conv2d (torch semantics) through conv2dNhwc. */
export async function conv2dNchw(
  gpu: WebGpuBackend, x: Float32Array, xShape: readonly number[], weight: Float32Array, wShape: readonly number[], bias: Float32Array | null,
  options: Conv2dOptions, outShape: readonly number[],
): Promise<Float32Array> {
  const [n, c, h, w] = xShape;
  const [, o, oh, ow] = outShape;
  const conv = gpu.prepareConv2d(weight, wShape, bias, options);
  const nchw = gpu.from(x);
  const nhwc = gpu.alloc(x.length);
  gpu.elementwise('copy', [n, h, w, c], { array: nhwc }, [{ array: nchw, strides: [c * h * w, w, 1, h * w] }]);
  const y = gpu.alloc(n * oh * ow * o);
  gpu.conv2dNhwc(nhwc, [n, h, w, c], conv, y);
  const out = gpu.alloc(y.length);
  gpu.elementwise('copy', [n, o, oh, ow], { array: out }, [{ array: y, strides: [oh * ow * o, 1, ow * o, o] }]);
  const result = await readAndFree(gpu, out, nchw, nhwc, y);
  gpu.release(conv);
  return result;
}

/** Attention on q, k, v [B, H, N, D] via one token-major fused qkv buffer, result [B, H, N, D]. */
export async function attentionHeadMajor(
  gpu: WebGpuBackend, variant: 'fused' | 'eager', q: Float32Array, k: Float32Array, v: Float32Array, dims: readonly number[], scale: number,
  options: { headMask?: Float32Array; probs?: Float32Array } = {},
): Promise<Float32Array> {
  const [batch, heads, n, headDim] = dims;
  const width = heads * headDim;
  const headMajor = [batch, heads, n, headDim];
  const strides = [heads * n * headDim, n * headDim, headDim, 1];
  const tokenMajor = [n * 3 * width, headDim, 3 * width, 1]; // (b, h, i, d) inside qkv rows
  const qkv = gpu.alloc(batch * n * 3 * width);
  for (const [i, src] of [q, k, v].entries()) {
    const s = gpu.from(src);
    gpu.elementwise('copy', headMajor, { array: qkv.subarray(i * width), strides: tokenMajor }, [{ array: s, strides }]);
    gpu.free(s);
  }
  const out = gpu.alloc(batch * n * width);
  const io = { q: qkv, qOffset: 0, qRowStride: 3 * width, k: qkv, kOffset: width, kRowStride: 3 * width, v: qkv, vOffset: 2 * width, vRowStride: 3 * width, out, outRowStride: width };
  const shape: AttentionShape = { batch, heads, queryLen: n, keyLen: n, headDim, scale };
  const mask = options.headMask ? gpu.from(options.headMask) : null;
  const probs = options.probs ? gpu.alloc(options.probs.length) : null;
  if (variant === 'fused') gpu.attentionFused(io, shape);
  else gpu.attentionEager(io, shape, { headMask: mask, probs });
  const result = gpu.alloc(out.length);
  gpu.elementwise('copy', headMajor, { array: result, strides }, [{ array: out, strides: [n * width, headDim, width, 1] }]);
  const [values, p] = await gpu.read(result, ...(probs ? [probs] : []));
  if (probs && options.probs) options.probs.set(p);
  for (const a of [qkv, out, result, ...(mask ? [mask] : []), ...(probs ? [probs] : [])]) gpu.free(a);
  return values;
}
