/**
 * The GEMM over all lanes of a pool. The output is cut into disjoint blocks, one per lane: by B panels
 * (columns) when there are enough of them — each lane then streams only its part of the weight — else by
 * row tiles. Every lane runs the same `gemm` export, and an element's summation order depends only on k and
 * the k-block size, so the result is bit-identical to the single-thread one.
 */

import { Staging, type GemmCall, type GemmOptions, type PackedMatrix } from '../wasm/backend.js';
import type { KernelTask, WorkerPool } from './worker-pool.js';

/** [rowStart, rowEnd, panelStart, panelEnd] of each lane's block. */
export type GemmBlock = readonly [number, number, number, number];

/** Splits m rows × `panels` panels over at most `lanes` lanes (row blocks are multiples of mr). */
export function splitGemm(m: number, panels: number, lanes: number, mr: number): GemmBlock[] {
  const rowTiles = Math.ceil(m / mr);
  const byPanels = panels >= lanes * 2 || panels >= rowTiles;
  const units = byPanels ? panels : rowTiles;
  const count = Math.max(1, Math.min(lanes, units));
  const blocks: GemmBlock[] = [];
  for (let i = 0; i < count; i++) {
    const lo = Math.floor((units * i) / count);
    const hi = Math.floor((units * (i + 1)) / count);
    blocks.push(byPanels ? [0, m, lo, hi] : [lo * mr, Math.min(m, hi * mr), 0, panels]);
  }
  return blocks;
}

function tasks(pool: WorkerPool, call: GemmCall): KernelTask[] {
  return splitGemm(call.m, call.panels, pool.threads, pool.backend.tiling.mr).map(([r0, r1, p0, p1], lane) => ({
    kernel: 'gemm',
    args: [call.a, call.lda, call.b, call.k, call.c, call.ldc, r0, r1, p0, p1, call.n, call.flags, call.bias, call.res, call.ldr, pool.scratch(lane)],
  }));
}

/** C[m, n] (+)= A[m, k] · B with the fused epilogue, on all lanes of `pool`. */
export async function parallelGemm(pool: WorkerPool, a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, options: GemmOptions = {}): Promise<void> {
  const staging = new Staging(pool.backend.heap);
  try {
    const call = pool.backend.prepareGemm(a, m, b, c, options, staging);
    if (call) await pool.run(tasks(pool, call));
    staging.finish();
  } finally {
    staging.release();
  }
}

/** Like `parallelGemm`, blocking the calling thread (Node and workers: `pool.canBlock`). */
export function parallelGemmSync(pool: WorkerPool, a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, options: GemmOptions = {}): void {
  const staging = new Staging(pool.backend.heap);
  try {
    const call = pool.backend.prepareGemm(a, m, b, c, options, staging);
    if (call) pool.runSync(tasks(pool, call));
    staging.finish();
  } finally {
    staging.release();
  }
}
