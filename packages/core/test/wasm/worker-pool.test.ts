import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { WASM_ACTIVATIONS, type WasmActivation } from '../../src/backends/wasm/emit-math.js';
import { WasmHeap } from '../../src/backends/wasm/heap.js';
import { splitGemm } from '../../src/backends/wasm/kernels/linear.js';
import { WorkerPool } from '../../src/backends/wasm/pool/worker-pool.js';
import { randomFloats } from './float64.js';
import { Staging, TestKernels, type GemmOptions, type PackedMatrix } from './test-kernels.js';

// A small tiling: tiny shapes cross k-blocks and row blocks, so lanes split them in every way.
const backend = TestKernels.create({ heap: new WasmHeap({ shared: true, initialBytes: 8 << 20 }), tiling: { mr: 4, nr: 8, kc: 24, mc: 16, unroll: 1 } });
const pools = [WorkerPool.create(backend.instance, { threads: 2 }), WorkerPool.create(backend.instance, { threads: 3 })];

/** The GEMM on every lane of `pool`, each lane on its block of splitGemm (what the 'wasm' linear kernel plans). */
async function parallelGemm(pool: WorkerPool, a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, options: GemmOptions, sync: boolean): Promise<void> {
  const be = TestKernels.wrap(pool.instance);
  const staging = new Staging(be.heap);
  try {
    const call = be.prepareGemm(a, m, b, c, options, staging);
    if (call) {
      const tasks = splitGemm(call.m, call.panels, pool.threads, be.tiling.mr).map(([r0, r1, p0, p1], lane) => ({
        kernel: 'gemm',
        args: [call.a, call.lda, call.b, call.k, call.c, call.ldc, r0, r1, p0, p1, call.n, call.flags, call.bias, call.res, call.ldr, pool.scratch(lane)],
      }));
      if (sync) pool.runSync(tasks);
      else await pool.run(tasks);
    }
    staging.finish();
  } finally {
    staging.release();
  }
}
afterAll(async () => {
  for (const p of pools) await (await p).terminate();
});

describe('splitGemm', () => {
  it('cuts the output into disjoint blocks that cover it, aligned to row tiles', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 8 }), (m, panels, lanes, mr) => {
        const blocks = splitGemm(m, panels, lanes, mr);
        expect(blocks.length).toBeLessThanOrEqual(lanes);
        const covered = new Uint8Array(m * panels);
        for (const [r0, r1, p0, p1] of blocks) {
          expect(r0 % mr).toBe(0);
          for (let r = r0; r < r1; r++) for (let p = p0; p < p1; p++) covered[r * panels + p]++;
        }
        expect(covered.every((v) => v === 1)).toBe(true);
      }),
    );
  });
});

describe('WorkerPool GEMM', () => {
  it('equals the single-thread GEMM bit for bit (2 and 3 lanes, sync and async, staged or in heap)', async () => {
    const heap = backend.heap;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 80 }), fc.integer({ min: 1, max: 70 }),
        fc.constantFrom(...WASM_ACTIVATIONS), fc.boolean(), fc.boolean(), fc.integer({ min: 0, max: 1 }), fc.integer({ min: 1, max: 1e9 }),
        async (m, k, n, activation: WasmActivation, sync, inHeap, which, seed) => {
          const pool = await pools[which];
          const a = randomFloats(m * k, seed);
          const A = inHeap ? heap.allocFloat32(m * k) : new Float32Array(m * k);
          A.set(a);
          const packed = backend.packWeight(randomFloats(n * k, seed + 1), n, k);
          const options = { bias: randomFloats(n, seed + 2), residual: randomFloats(m * n, seed + 3), activation };
          const single = new Float32Array(m * n);
          backend.gemm(A, m, packed, single, options);
          const threaded = inHeap ? heap.allocFloat32(m * n) : new Float32Array(m * n);
          await parallelGemm(pool, A, m, packed, threaded, options, sync);
          for (let i = 0; i < m * n; i++) {
            if (!Object.is(single[i], threaded[i])) throw new Error(`element ${i}: ${single[i]} vs ${threaded[i]} (m=${m} k=${k} n=${n})`);
          }
          if (inHeap) {
            heap.freeArray(A);
            heap.freeArray(threaded);
          }
          backend.freePacked(packed);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports a kernel that traps in a worker, and stays usable', async () => {
    const pool = await pools[0];
    const huge = 0x7fff_ff00; // beyond the memory: the wasm load traps
    const bad = { kernel: 'softmax', args: [huge, 1, 8, huge] };
    const good = { kernel: 'softmax', args: [0, 0, 8, 0] };
    await expect(pool.run([good, bad])).rejects.toThrow(/worker/);
    expect(() => pool.runSync([good, bad])).toThrow(/worker/);
    expect(() => pool.runSync([bad, good])).toThrow(/out of bounds/);
    await pool.run([good, good]);
  });

  it('falls back to the calling thread without shared memory', async () => {
    const unshared = TestKernels.create({ heap: new WasmHeap({ shared: false, initialBytes: 1 << 20 }) });
    const pool = await WorkerPool.create(unshared.instance, { threads: 4 });
    expect(pool.threads).toBe(1);
    const packed = unshared.packWeight(randomFloats(30, 1), 5, 6);
    const a = randomFloats(18, 2);
    const expected = new Float32Array(15);
    unshared.gemm(a, 3, packed, expected);
    const got = new Float32Array(15);
    await parallelGemm(pool, a, 3, packed, got, {}, false);
    expect(Array.from(got)).toEqual(Array.from(expected));
    await pool.terminate();
  });

  it('refuses to run after terminate and rejects bad thread counts', async () => {
    const pool = await WorkerPool.create(backend.instance, { threads: 2 });
    await pool.terminate();
    await expect(pool.run([])).rejects.toThrow(/terminated/);
    await expect(WorkerPool.create(backend.instance, { threads: 0 })).rejects.toThrow(RangeError);
  });
});
