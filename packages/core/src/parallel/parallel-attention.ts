/**
 * Attention over a pool's lanes: the (batch, head) units are split across lanes, each running the emitted
 * driver (fused or eager) on its heads with private scratch. Every head is computed exactly as on one
 * thread, so results are bit-identical.
 */

import type { AttentionEagerOptions, AttentionIO, AttentionShape } from '../kernels/attention-io.js';
import { planAttention, type AttentionMode, type AttentionPlan } from '../wasm/attention.js';
import type { WorkerPool } from './worker-pool.js';

function plan(pool: WorkerPool, mode: AttentionMode, io: AttentionIO, shape: AttentionShape, options: AttentionEagerOptions & { keyBlock?: number }): AttentionPlan | null {
  return planAttention(pool.backend, mode, io, shape, pool.threads, { ...options, scratchFor: (lane) => pool.scratch(lane) });
}

async function runAsync(pool: WorkerPool, p: AttentionPlan | null): Promise<void> {
  if (!p) return;
  try {
    await pool.run(p.params.map((ptr) => ({ kernel: p.kernel, args: [ptr] })));
    p.finish();
  } finally {
    p.release();
  }
}

function runSync(pool: WorkerPool, p: AttentionPlan | null): void {
  if (!p) return;
  try {
    pool.runSync(p.params.map((ptr) => ({ kernel: p.kernel, args: [ptr] })));
    p.finish();
  } finally {
    p.release();
  }
}

export function parallelAttentionFused(pool: WorkerPool, io: AttentionIO, shape: AttentionShape, keyBlock?: number): Promise<void> {
  return runAsync(pool, plan(pool, 'fused', io, shape, { keyBlock }));
}

/** Like `parallelAttentionFused`, blocking the calling thread (Node and workers: `pool.canBlock`). */
export function parallelAttentionFusedSync(pool: WorkerPool, io: AttentionIO, shape: AttentionShape, keyBlock?: number): void {
  runSync(pool, plan(pool, 'fused', io, shape, { keyBlock }));
}

/** Eager attention (probabilities materialised per head; head mask; `probs`), heads split over lanes. */
export function parallelAttentionEager(pool: WorkerPool, io: AttentionIO, shape: AttentionShape, options: AttentionEagerOptions = {}): Promise<void> {
  return runAsync(pool, plan(pool, 'eager', io, shape, options));
}

export function parallelAttentionEagerSync(pool: WorkerPool, io: AttentionIO, shape: AttentionShape, options: AttentionEagerOptions = {}): void {
  runSync(pool, plan(pool, 'eager', io, shape, options));
}
