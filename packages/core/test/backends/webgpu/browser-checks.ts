/**
 * The same small checks run in Node and, bundled, in Chromium (browser.test.ts): a linear layer with a fused
 * GELU and residual, layer norm, fused and eager attention, a depthwise conv. Inputs are seeded, so both
 * sides compute on identical data; the outputs come back as plain arrays.
 */

import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { randomArray } from '../../helpers/random.js';

export interface CheckOutputs {
  adapter: { vendor: string; architecture: string };
  outputs: Record<string, number[]>;
  counters: { dispatches: number; submissions: number; bytesRead: number };
}

export const CHECK_SHAPES = { rows: 13, inF: 24, outF: 20, tokens: 11, heads: 2, headDim: 8 };

export async function runChecks(gpu: WebGpuBackend): Promise<CheckOutputs> {
  const { rows, inF, outF, tokens, heads, headDim } = CHECK_SHAPES;
  const layer = gpu.prepareLinear(randomArray(outF * inF, 1), randomArray(outF, 2), outF, inF);
  const x = gpu.from(randomArray(rows * inF, 3));
  const residual = gpu.from(randomArray(rows * outF, 4));
  const linear = gpu.alloc(rows * outF);
  gpu.linear(x, rows, layer, linear, { activation: 'gelu', residual });
  const norm = gpu.alloc(rows * outF);
  gpu.layerNorm(linear, rows, outF, gpu.upload(randomArray(outF, 5)), gpu.upload(randomArray(outF, 6)), 1e-6, norm);
  const width = heads * headDim;
  const qkv = gpu.from(randomArray(tokens * 3 * width, 7, 2));
  const io = (out: ReturnType<WebGpuBackend['alloc']>) => ({
    q: qkv, qOffset: 0, qRowStride: 3 * width, k: qkv, kOffset: width, kRowStride: 3 * width, v: qkv, vOffset: 2 * width, vRowStride: 3 * width, out, outRowStride: width,
  });
  const shape = { batch: 1, heads, queryLen: tokens, keyLen: tokens, headDim };
  const fused = gpu.alloc(tokens * width), eager = gpu.alloc(tokens * width);
  gpu.attentionFused(io(fused), shape);
  gpu.attentionEager(io(eager), shape);
  const conv = gpu.prepareConv2d(randomArray(6 * 9, 8), [6, 1, 3, 3], randomArray(6, 9), { padding: 1, groups: 6 });
  const map = gpu.from(randomArray(5 * 4 * 6, 10));
  const convOut = gpu.alloc(5 * 4 * 6);
  gpu.conv2dNhwc(map, [1, 5, 4, 6], conv, convOut, { activation: 'relu6' });
  const before = gpu.counters;
  const values = await gpu.read(linear, norm, fused, eager, convOut);
  const after = gpu.counters;
  const names = ['linear', 'layerNorm', 'attentionFused', 'attentionEager', 'depthwiseConv'];
  return {
    adapter: { vendor: gpu.adapter.vendor, architecture: gpu.adapter.architecture },
    outputs: Object.fromEntries(names.map((n, i) => [n, Array.from(values[i])])),
    counters: { dispatches: after.dispatches, submissions: after.submissions - before.submissions, bytesRead: after.bytesRead - before.bytesRead },
  };
}
