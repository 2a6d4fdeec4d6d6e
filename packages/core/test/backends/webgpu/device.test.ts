import { create } from 'webgpu';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  WebGpuBackend, WebGpuDeviceLostError, WebGpuOutOfMemoryError, WebGpuUnavailableError, type GpuLike,
} from '../../../src/backends/webgpu/index.js';
import type { GpuAdapter, GpuDevice } from '../../../src/backends/webgpu/gpu-api.js';
import { randomArray } from '../../helpers/random.js';
import { swiftShaderBackend, useSwiftShader } from './swiftshader.js';

/** The real SwiftShader implementation, with a hook on the device it hands out. */
function wrappedGpu(wrap: (device: GpuDevice) => GpuDevice): GpuLike {
  useSwiftShader();
  const real = create([]) as unknown as GpuLike;
  return {
    async requestAdapter(options) {
      const adapter = await real.requestAdapter(options);
      if (!adapter) return null;
      const wrapped: GpuAdapter = {
        info: adapter.info, limits: adapter.limits, features: adapter.features,
        requestDevice: async (descriptor) => wrap(await adapter.requestDevice(descriptor)),
      };
      return wrapped;
    },
  };
}

const backends: WebGpuBackend[] = [];
afterAll(() => backends.forEach((b) => b.dispose()));

describe('webgpu device errors', () => {
  it('no WebGPU: a clear error naming the fix', async () => {
    vi.stubGlobal('navigator', {});
    try {
      await expect(WebGpuBackend.create()).rejects.toThrow(WebGpuUnavailableError);
      await expect(WebGpuBackend.create()).rejects.toThrow(/no navigator.gpu.*pass a WebGPU implementation/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('no adapter: a clear error', async () => {
    const gpu: GpuLike = { requestAdapter: async () => null };
    await expect(WebGpuBackend.create({ gpu })).rejects.toThrow(/no adapter was found/);
  });

  it('a lost device fails every later call with WebGpuDeviceLostError', async () => {
    let device: GpuDevice | null = null;
    const backend = await WebGpuBackend.create({ gpu: wrappedGpu((d) => (device = d)) });
    backends.push(backend);
    const x = backend.from(Float32Array.of(1, 2, 3));
    expect(await backend.read(x)).toEqual([Float32Array.of(1, 2, 3)]);
    device!.destroy(); // what a driver reset looks like from JavaScript
    await device!.lost;
    expect(() => backend.alloc(4)).toThrow(WebGpuDeviceLostError);
    await expect(backend.read(x)).rejects.toThrow(/WebGPU device lost \(destroyed\)/);
  });

  it('an out-of-memory error caught by an error scope surfaces at the next read', async () => {
    let failNext = false;
    const backend = await WebGpuBackend.create({
      gpu: wrappedGpu((device) => {
        const filters: string[] = [];
        return new Proxy(device, {
          get(target, key) {
            if (key === 'pushErrorScope') return (filter: string) => (filters.push(filter), target.pushErrorScope(filter as 'validation'));
            if (key === 'popErrorScope') {
              return async () => {
                const filter = filters.pop();
                const real = await target.popErrorScope();
                return failNext && filter === 'out-of-memory' ? { message: 'simulated allocation failure' } : real;
              };
            }
            const value = Reflect.get(target, key) as unknown;
            return typeof value === 'function' ? value.bind(target) : value;
          },
        });
      }),
    });
    backends.push(backend);
    failNext = true;
    const x = backend.alloc(1 << 20);
    await expect(backend.read(x)).rejects.toThrow(WebGpuOutOfMemoryError);
    failNext = false;
    const y = backend.from(Float32Array.of(5));
    expect(await backend.read(y)).toEqual([Float32Array.of(5)]);
  });

  it('an array larger than the largest binding is refused at once', async () => {
    const backend = await swiftShaderBackend();
    backends.push(backend);
    expect(() => backend.alloc(2 ** 31)).toThrow(/exceeds this device's largest storage binding/);
  });
});

describe('webgpu batching', () => {
  it('a transformer block is 7 dispatches, 1 submission and one readback of its output', async () => {
    const gpu = await swiftShaderBackend();
    backends.push(gpu);
    const [tokens, dim, heads, hidden] = [9, 16, 2, 32];
    const ln = gpu.upload(randomArray(dim, 1));
    const qkv = gpu.prepareLinear(randomArray(3 * dim * dim, 2), randomArray(3 * dim, 3), 3 * dim, dim);
    const proj = gpu.prepareLinear(randomArray(dim * dim, 4), null, dim, dim);
    const fc1 = gpu.prepareLinear(randomArray(hidden * dim, 5), null, hidden, dim);
    const fc2 = gpu.prepareLinear(randomArray(dim * hidden, 6), null, dim, hidden);
    const x = gpu.from(randomArray(tokens * dim, 7));
    const before = gpu.counters;
    const h = gpu.alloc(tokens * dim), q = gpu.alloc(tokens * 3 * dim), a = gpu.alloc(tokens * dim), m = gpu.alloc(tokens * hidden);
    gpu.layerNorm(x, tokens, dim, ln, null, 1e-6, h);
    gpu.linear(h, tokens, qkv, q);
    gpu.attentionFused({ q, qOffset: 0, qRowStride: 3 * dim, k: q, kOffset: dim, kRowStride: 3 * dim, v: q, vOffset: 2 * dim, vRowStride: 3 * dim, out: a, outRowStride: dim },
      { batch: 1, heads, queryLen: tokens, keyLen: tokens, headDim: dim / heads });
    gpu.linear(a, tokens, proj, x, { residual: x });
    gpu.layerNorm(x, tokens, dim, ln, null, 1e-6, h);
    gpu.linear(h, tokens, fc1, m, { activation: 'gelu' });
    gpu.linear(m, tokens, fc2, x, { residual: x });
    const [out] = await gpu.read(x);
    const after = gpu.counters;
    expect(out.every(Number.isFinite)).toBe(true);
    expect(after.dispatches - before.dispatches).toBe(7);
    expect(after.submissions - before.submissions).toBe(1);
    expect(after.bytesRead - before.bytesRead).toBe(tokens * dim * 4);
  });
});
