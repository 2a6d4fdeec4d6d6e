import { describe, expect, it } from 'vitest';
import { FastKernels } from '../../src/parallel/fast-kernels.js';
import { WasmBackend } from '../../src/wasm/backend.js';
import { WasmHeap } from '../../src/wasm/heap.js';
import { randomFloats } from '../wasm/float64.js';

describe('FastKernels', () => {
  it('gives the same bits through every path (sync / async, pooled / single-thread, shared / unshared)', async () => {
    const reference = WasmBackend.createSync({ heap: new WasmHeap({ shared: false, initialBytes: 8 << 20 }) });
    const m = 67, k = 70, n = 90;
    const a = randomFloats(m * k, 1), w = randomFloats(n * k, 2), bias = randomFloats(n, 3), res = randomFloats(m * n, 4);
    const expected = new Float32Array(m * n);
    reference.gemm(a, m, reference.packWeight(w, n, k), expected, { bias, activation: 'geluErf', residual: res });
    const lnExpected = new Float32Array(m * n);
    reference.layerNorm(expected, m, n, bias.subarray(0, n), null, 1e-6, lnExpected);

    for (const options of [{ threads: 2 }, { threads: 1 }, { threads: 3, heap: { shared: false, initialBytes: 8 << 20 } }]) {
      const fast = await FastKernels.create(options);
      expect(fast.threads).toBe(options.heap ? 1 : options.threads);
      const packed = fast.packWeight(w, n, k);
      const c1 = new Float32Array(m * n);
      fast.gemm(a, m, packed, c1, { bias, activation: 'geluErf', residual: res });
      const c2 = fast.heap.allocFloat32(m * n);
      await fast.gemmAsync(a, m, packed, c2, { bias, activation: 'geluErf', residual: res });
      expect(Array.from(c1)).toEqual(Array.from(expected));
      expect(Array.from(c2)).toEqual(Array.from(expected));
      fast.layerNorm(c1, m, n, bias, null, 1e-6, c1);
      await fast.layerNormAsync(c2, m, n, bias, null, 1e-6, c2);
      expect(Array.from(c1)).toEqual(Array.from(lnExpected));
      expect(Array.from(c2)).toEqual(Array.from(lnExpected));
      await fast.dispose();
      // still usable on this thread after dispose
      fast.gemm(a, m, packed, c1, { bias, activation: 'geluErf', residual: res });
      expect(Array.from(c1)).toEqual(Array.from(expected));
    }
  });
});
