import { afterAll, describe, expect, it } from 'vitest';
import type { AttentionIO, AttentionShape } from '../../src/kernels/attention-io.js';
import { parallelAttentionFused, parallelAttentionFusedSync } from '../../src/parallel/parallel-attention.js';
import { WorkerPool } from '../../src/parallel/worker-pool.js';
import { attentionFusedWasm } from '../../src/wasm/attention.js';
import { WasmBackend } from '../../src/wasm/backend.js';
import { WasmHeap } from '../../src/wasm/heap.js';
import { randomFloats } from '../wasm/float64.js';

const backend = WasmBackend.createSync({ heap: new WasmHeap({ shared: true, initialBytes: 8 << 20 }) });
const poolPromise = WorkerPool.create(backend, { threads: 3 });
afterAll(async () => (await poolPromise).terminate());

function io(shape: AttentionShape, inHeap: boolean, seed: number): AttentionIO {
  const width = shape.heads * shape.headDim;
  const rows = shape.batch * shape.queryLen;
  const qkv = randomFloats(rows * 3 * width, seed).map((v) => v * 3);
  const buf = inHeap ? backend.heap.allocFloat32(qkv.length) : new Float32Array(qkv.length);
  buf.set(qkv);
  return { q: buf, qOffset: 0, qRowStride: 3 * width, k: buf, kOffset: width, kRowStride: 3 * width, v: buf, vOffset: 2 * width, vRowStride: 3 * width, out: new Float32Array(rows * width), outRowStride: width };
}

describe('parallel fused attention', () => {
  it('equals the single-thread kernel bit for bit', async () => {
    const pool = await poolPromise;
    for (const [shape, inHeap, keyBlock] of [
      [{ batch: 1, heads: 5, queryLen: 23, keyLen: 23, headDim: 12 }, true, 8],
      [{ batch: 2, heads: 3, queryLen: 41, keyLen: 41, headDim: 7 }, false, 16],
      [{ batch: 1, heads: 1, queryLen: 9, keyLen: 9, headDim: 4 }, false, 128], // fewer units than lanes
      [{ batch: 3, heads: 2, queryLen: 17, keyLen: 17, headDim: 16, scale: 0.2 }, true, 5],
    ] as Array<[AttentionShape, boolean, number]>) {
      const a = io(shape, inHeap, 11);
      attentionFusedWasm(backend, a, shape, keyBlock);
      const single = a.out.slice();
      a.out.fill(0);
      await parallelAttentionFused(pool, a, shape, keyBlock);
      for (let i = 0; i < single.length; i++) if (!Object.is(single[i], a.out[i])) throw new Error(`element ${i}: ${single[i]} vs ${a.out[i]}`);
      a.out.fill(0);
      parallelAttentionFusedSync(pool, a, shape, keyBlock);
      expect(Array.from(a.out)).toEqual(Array.from(single));
    }
  });
});
