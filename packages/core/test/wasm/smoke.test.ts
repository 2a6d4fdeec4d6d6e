import { describe, expect, it } from 'vitest';
import { WasmBackend } from '../../src/wasm/backend.js';
import { emitKernelModule } from '../../src/wasm/kernel-module.js';

describe('smoke', () => {
  it('validates and runs', () => {
    const bytes = emitKernelModule({ shared: true });
    expect(WebAssembly.validate(bytes)).toBe(true);
    const be = WasmBackend.createSync();
    const m = 5, k = 7, n = 11;
    const a = Float32Array.from({ length: m * k }, (_, i) => (i % 5) - 2);
    const w = Float32Array.from({ length: n * k }, (_, i) => (i % 3) - 1);
    const p = be.packWeight(w, n, k);
    const c = new Float32Array(m * n);
    be.gemm(a, m, p, c);
    const ref = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) { let s = 0; for (let q = 0; q < k; q++) s += a[i * k + q] * w[j * k + q]; ref[i * n + j] = s; }
    expect(Array.from(c)).toEqual(Array.from(ref));
  });
});
