import { afterAll, describe, expect, it } from 'vitest';
import {
  parallelActivation, parallelActivationSync, parallelLayerNorm, parallelLayerNormSync, parallelSoftmax, parallelSoftmaxSync, splitRows,
} from '../../src/parallel/parallel-rows.js';
import { WorkerPool } from '../../src/parallel/worker-pool.js';
import { WasmBackend } from '../../src/wasm/backend.js';
import { WASM_ACTIVATIONS } from '../../src/wasm/emit-math.js';
import { WasmHeap } from '../../src/wasm/heap.js';
import { randomFloats } from '../wasm/float64.js';

const backend = WasmBackend.createSync({ heap: new WasmHeap({ shared: true, initialBytes: 8 << 20 }) });
const poolPromise = WorkerPool.create(backend, { threads: 3 });
afterAll(async () => (await poolPromise).terminate());

function same(a: Float32Array, b: Float32Array): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) throw new Error(`element ${i}: ${a[i]} vs ${b[i]}`);
}

describe('parallel row kernels', () => {
  it('splitRows covers the rows in order, at most `lanes` ranges', () => {
    for (const [rows, lanes, min] of [[0, 2, 1], [1, 4, 1], [10, 3, 1], [10, 3, 4], [1000, 2, 600], [7, 8, 1]]) {
      const ranges = splitRows(rows, lanes, min);
      expect(ranges.length).toBeLessThanOrEqual(lanes);
      expect(ranges[0][0]).toBe(0);
      expect(ranges[ranges.length - 1][1]).toBe(rows);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i][0]).toBe(ranges[i - 1][1]);
    }
  });

  it('equal the single-thread kernels bit for bit, sync and async, staged and in place', async () => {
    const pool = await poolPromise;
    const rows = 301, cols = 131; // ≥ 2 lanes' worth, neither a multiple of 4
    const x = randomFloats(rows * cols, 1).map((v) => v * 6);
    const w = randomFloats(cols, 2), b = randomFloats(cols, 3);

    const sm = new Float32Array(x.length);
    backend.softmax(x, rows, cols, sm);
    const sm2 = new Float32Array(x.length);
    await parallelSoftmax(pool, x, rows, cols, sm2);
    same(sm, sm2);
    const inPlace = x.slice();
    parallelSoftmaxSync(pool, inPlace, rows, cols, inPlace);
    same(sm, inPlace);

    const ln = new Float32Array(x.length);
    backend.layerNorm(x, rows, cols, w, b, 1e-12, ln);
    const ln2 = backend.heap.allocFloat32(x.length);
    parallelLayerNormSync(pool, x, rows, cols, w, b, 1e-12, ln2);
    same(ln, ln2);
    ln2.set(x);
    await parallelLayerNorm(pool, ln2, rows, cols, w, b, 1e-12, ln2);
    same(ln, ln2);
    backend.heap.freeArray(ln2);

    for (const act of WASM_ACTIVATIONS) {
      const a1 = new Float32Array(x.length);
      backend.activation(act, x, a1);
      const a2 = new Float32Array(x.length);
      await parallelActivation(pool, act, x, a2);
      same(a1, a2);
      const a3 = x.slice();
      parallelActivationSync(pool, act, a3, a3);
      same(a1, a3);
    }
  });

  it('checks shapes', async () => {
    const pool = await poolPromise;
    await expect(parallelSoftmax(pool, new Float32Array(5), 2, 3, new Float32Array(6))).rejects.toThrow(/x has 5 values, needs 6/);
    expect(() => parallelLayerNormSync(pool, new Float32Array(6), 2, 3, new Float32Array(2), null, 1e-5, new Float32Array(6))).toThrow(/weight has 2/);
  });
});
