/**
 * Fused attention over a pool's lanes: the (batch, head) units are split across lanes, each running the
 * emitted `attention_fused` driver on its heads with private scratch. Every head is computed exactly as on
 * one thread, so results are bit-identical.
 */

import type { AttentionIO, AttentionShape } from '../kernels/attention-io.js';
import { DEFAULT_KEY_BLOCK, planFusedAttention } from '../wasm/attention.js';
import type { WorkerPool } from './worker-pool.js';

export async function parallelAttentionFused(pool: WorkerPool, io: AttentionIO, shape: AttentionShape, keyBlock = DEFAULT_KEY_BLOCK): Promise<void> {
  const plan = planFusedAttention(pool.backend, io, shape, pool.threads, keyBlock, (lane) => pool.scratch(lane));
  if (!plan) return;
  try {
    await pool.run(plan.params.map((ptr) => ({ kernel: 'attention_fused', args: [ptr] })));
    plan.finish();
  } finally {
    plan.release();
  }
}

/** Like `parallelAttentionFused`, blocking the calling thread (Node and workers: `pool.canBlock`). */
export function parallelAttentionFusedSync(pool: WorkerPool, io: AttentionIO, shape: AttentionShape, keyBlock = DEFAULT_KEY_BLOCK): void {
  const plan = planFusedAttention(pool.backend, io, shape, pool.threads, keyBlock, (lane) => pool.scratch(lane));
  if (!plan) return;
  try {
    pool.runSync(plan.params.map((ptr) => ({ kernel: 'attention_fused', args: [ptr] })));
    plan.finish();
  } finally {
    plan.release();
  }
}
