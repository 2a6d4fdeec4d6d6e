/**
 * The golden kernel cases (golden/kernels: torch.nn.functional in float64) on the WebGPU backend, under the
 * policy of golden/README.md: max |error| <= 8·fp32_error + 1e-6·max(1, max |expected|). Ops that are not GPU
 * kernels (interpolation, pixel shuffle, batch norm, losses: CPU code in core) are listed and skipped by name
 * here; the engine-level table covers them once the backend is registered.
 */

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { attentionHeadMajor, conv2dNchw } from './gpu-runs.js';
import { swiftShaderBackend } from './swiftshader.js';

interface KernelOp {
  name: string;
  op: string;
  params: Record<string, unknown>;
  inputs: Record<string, string>;
  output: string;
  output_shape: number[];
  fp32_error: number;
  expected_max_abs: number;
}

const DIR = new URL('../../../../../golden/kernels/', import.meta.url);
const spec = JSON.parse(readFileSync(new URL('kernels.json', DIR), 'utf8')) as { ops: KernelOp[] };

/** The F32 tensors of a safetensors file (the fixture's inputs and expectations). */
function readSafetensors(bytes: Uint8Array): Map<string, { data: Float32Array; shape: number[] }> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const tensors = new Map<string, { data: Float32Array; shape: number[] }>();
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__' || info.dtype !== 'F32') continue;
    const [start, end] = info.data_offsets;
    const copy = new Uint8Array(bytes.subarray(8 + headerLength + start, 8 + headerLength + end)); // a copy: aligned, own buffer
    tensors.set(name, { data: new Float32Array(copy.buffer), shape: info.shape });
  }
  return tensors;
}

const tensors = readSafetensors(readFileSync(new URL('kernels.safetensors', DIR)));
const input = (op: KernelOp, key: string) => {
  const t = tensors.get(op.inputs[key]);
  if (!t) throw new Error(`${op.name}: input ${key} missing`);
  return t;
};
const optional = (op: KernelOp, key: string) => (op.inputs[key] === undefined ? null : input(op, key).data);

/** Not GPU kernels: run on the CPU in core whatever the engine. */
const CPU_OPS = new Set(['torch.nn.functional.interpolate', 'torch.nn.functional.pixel_shuffle', 'torch.nn.functional.batch_norm', 'torch.nn.functional.cross_entropy']);

let gpu: WebGpuBackend;
beforeAll(async () => {
  gpu = await swiftShaderBackend();
});
afterAll(() => gpu.dispose());

async function run(op: KernelOp): Promise<Record<string, Float32Array>> {
  const p = op.params;
  const size = op.output_shape.reduce((a, b) => a * b, 1);
  switch (op.op) {
    case 'torch.nn.functional.gelu': {
      const x = gpu.from(input(op, 'input').data);
      gpu.activation(p.approximate === 'tanh' ? 'gelu_pytorch_tanh' : 'gelu', x, x);
      const [out] = await gpu.read(x);
      gpu.free(x);
      return { '': out };
    }
    case 'torch.nn.functional.layer_norm': {
      const [dim] = p.normalized_shape as number[];
      const x = gpu.from(input(op, 'input').data);
      const w = optional(op, 'weight'), b = optional(op, 'bias');
      const gw = w && gpu.upload(w), gb = b && gpu.upload(b);
      const out = gpu.alloc(size);
      gpu.layerNorm(x, size / dim, dim, gw, gb, p.eps as number, out);
      const [values] = await gpu.read(out);
      for (const a of [x, out, gw, gb]) if (a) gpu.free(a);
      return { '': values };
    }
    case 'torch.nn.functional.softmax': {
      const shape = input(op, 'input').shape;
      const cols = shape[shape.length - 1];
      const x = gpu.from(input(op, 'input').data);
      gpu.softmax(x, size / cols, cols, x);
      const [values] = await gpu.read(x);
      gpu.free(x);
      return { '': values };
    }
    case 'torch.nn.functional.linear': {
      const [outF, inF] = input(op, 'weight').shape;
      const layer = gpu.prepareLinear(input(op, 'weight').data, optional(op, 'bias'), outF, inF);
      const x = gpu.from(input(op, 'input').data);
      const out = gpu.alloc(size);
      gpu.linear(x, size / outF, layer, out);
      const [values] = await gpu.read(out);
      gpu.free(x);
      gpu.free(out);
      gpu.release(layer);
      return { '': values };
    }
    case 'torch.nn.functional.conv2d': {
      const x = input(op, 'input'), w = input(op, 'weight');
      const options = { stride: p.stride as number, padding: p.padding as number, dilation: p.dilation as number, groups: p.groups as number };
      const result: Record<string, Float32Array> = { '': await conv2dNchw(gpu, x.data, x.shape, w.data, w.shape, optional(op, 'bias'), options, op.output_shape) };
      const isPatch = options.stride === w.shape[2] && w.shape[2] === w.shape[3] && options.padding === 0 && options.dilation === 1 && options.groups === 1;
      if (isPatch) {
        const [n, o, gh, gw] = op.output_shape;
        const embed = gpu.preparePatchEmbed(w.data, optional(op, 'bias'), o, x.shape[1], [options.stride, options.stride]);
        const pixels = gpu.from(x.data);
        const tokens = gpu.alloc(size);
        gpu.patchEmbed(pixels, x.shape, embed, tokens);
        const nchw = gpu.alloc(size);
        gpu.elementwise('copy', [n, o, gh * gw], { array: nchw }, [{ array: tokens, strides: [gh * gw * o, 1, o] }]);
        [result.patchEmbed] = await gpu.read(nchw);
        for (const a of [pixels, tokens, nchw]) gpu.free(a);
        gpu.release(embed);
      }
      return result;
    }
    case 'torch.nn.functional.max_pool2d':
    case 'torch.nn.functional.adaptive_avg_pool2d': {
      const x = input(op, 'input');
      const gx = gpu.from(x.data);
      const out = gpu.alloc(size);
      if (op.op.endsWith('max_pool2d')) {
        gpu.maxPool2d(gx, 'nchw', x.shape, { kernel: p.kernel_size as number, stride: p.stride as number, padding: p.padding as number, ceilMode: p.ceil_mode as boolean }, out);
      } else {
        gpu.adaptiveAvgPool2d(gx, 'nchw', x.shape, p.output_size as number, out);
      }
      const [values] = await gpu.read(out);
      gpu.free(gx);
      gpu.free(out);
      return { '': values };
    }
    default: {
      if (!op.op.startsWith('scaled_dot_product_attention')) throw new Error(`op ${op.op} has no WebGPU runner`);
      const q = input(op, 'query');
      const args = [q.data, input(op, 'key').data, input(op, 'value').data, q.shape, p.scale as number] as const;
      return { eager: await attentionHeadMajor(gpu, 'eager', ...args), fused: await attentionHeadMajor(gpu, 'fused', ...args) };
    }
  }
}

describe('golden kernels on webgpu (SwiftShader)', () => {
  for (const op of spec.ops.filter((o) => !CPU_OPS.has(o.op))) {
    it(op.name, async () => {
      const expected = tensors.get(op.output);
      if (!expected) throw new Error(`${op.name}: expected output missing`);
      const bound = 8 * op.fp32_error + 1e-6 * Math.max(1, op.expected_max_abs);
      for (const [variant, actual] of Object.entries(await run(op))) {
        let worst = 0;
        for (let i = 0; i < expected.data.length; i++) {
          const e = expected.data[i], a = actual[i];
          const err = Number.isFinite(e) ? Math.abs(a - e) : Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)) ? 0 : Infinity;
          worst = Number.isNaN(err) || err > worst ? (Number.isNaN(err) ? Infinity : err) : worst;
        }
        expect(actual.length, `${op.name} ${variant} length`).toBe(expected.data.length);
        expect(worst, `${op.name} ${variant}: max error ${worst} vs bound ${bound}`).toBeLessThanOrEqual(bound);
        reportRatio(op.name + (variant ? ` (${variant})` : ''), worst / bound);
      }
    });
  }
});

const ratios: Array<[string, number]> = [];
function reportRatio(name: string, ratio: number): void {
  ratios.push([name, ratio]);
}
afterAll(() => {
  if (process.env.PUREVIT_WEBGPU_REPORT) for (const [name, r] of ratios) console.log(`${name}: error/bound ${r.toFixed(3)}`);
});
