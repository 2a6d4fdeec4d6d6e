/**
 * `purevit bench attention`: eager (probabilities materialised, an N×N buffer per head) against fused
 * (online softmax, memory linear in N) scaled-dot-product attention on ViT-B heads (12 × 64) over one
 * fused qkv projection, at 197, 577, 1025 and 4097 tokens (224, 384, 512 and 1024 px at patch 16):
 * time, GFLOP/s, and each implementation's own peak memory.
 */


import { openEngine, type BenchBackend, type BenchSimd } from './bench-engine.js';
import { MB, MemorySampler, formatTable, round, timeSteps } from './bench-stats.js';

export type AttentionImpl = 'eager' | 'fused';

export interface AttentionBenchConfig {
  tokens: number;
  heads: number;
  headDim: number;
  impl: AttentionImpl;
  backend: BenchBackend;
  simd: BenchSimd | null;
  threads: number;
  warmup: number;
  iterations: number;
}

export interface AttentionBenchResult {
  kernel: string;
  impl: AttentionImpl;
  backend: string;
  simd: string | null;
  threads: number;
  tokens: number;
  heads: number;
  head_dim: number;
  num_warm_iter: number;
  num_bench_iter: number;
  /** Median ms per call. */
  step_time: number;
  step_time_min: number;
  gflop_per_call: number;
  gflops: number;
  /** What eager's probabilities take: heads × tokens × tokens float32 (fused never allocates it). */
  scores_buffer_mb: number;
  /** RSS with q, k, v and the output allocated, before the first call. */
  rss_before_mb: number;
  peak_rss_mb: number;
  /** Peak RSS minus rss_before: the memory the implementation itself needed. */
  peak_rss_delta_mb: number;
  peak_array_buffers_mb: number;
  /** Sum of the output: eager and fused agree to float32 rounding. */
  out_sum: number;
}

export const DEFAULT_ATTENTION_TOKENS: readonly number[] = [197, 577, 1025, 4097];

/** Multiply-adds of q·kᵀ and p·v, × 2: FLOPs of one call (softmax not counted). */
export function attentionGflop(tokens: number, heads: number, headDim: number): number {
  return (4 * heads * tokens * tokens * headDim) / 1e9;
}

/** About 20 GFLOP of work per configuration, 2 to 20 timed calls. */
export function defaultAttentionIterations(tokens: number, heads: number, headDim: number): { warmup: number; iterations: number } {
  const gflop = attentionGflop(tokens, heads, headDim);
  return { warmup: gflop < 2 ? 2 : 1, iterations: Math.min(20, Math.max(2, Math.round(20 / gflop))) };
}

export async function runAttentionConfig(config: AttentionBenchConfig): Promise<AttentionBenchResult> {
  const { tokens, heads, headDim } = config;
  const bench = await openEngine(config.backend, config.threads, config.simd);
  const { engine, arena } = bench;
  try {
    const width = heads * headDim;
    const values = new Float32Array(tokens * 3 * width); // [tokens, 3·width]  q | k | v, as the fused projection writes them
    let s = 12345;
    for (let i = 0; i < values.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      values[i] = (s / 2 ** 32 - 0.5) * 4;
    }
    const qkv = arena.upload(values);
    const out = arena.alloc(tokens * width); // [tokens, width]
    const args = {
      q: qkv, ldq: 3 * width, k: qkv.view(width), ldk: 3 * width, v: qkv.view(2 * width), ldv: 3 * width, out, ldo: width,
      batch: 1, heads, queryLen: tokens, keyLen: tokens, headDim,
    };
    const memory = new MemorySampler();
    memory.sample();
    const rssBefore = process.memoryUsage().rss;
    // Each step enqueues the op and waits for it (flush): the time of the computation, not of the call.
    const run = async (): Promise<void> => {
      if (config.impl === 'eager') engine.ops.attentionEager(args);
      else engine.ops.attentionFused(args);
      await engine.flush();
    };
    const timing = await timeSteps(run, config.warmup, config.iterations, () => memory.sample());
    const peak = memory.peak();
    const gflop = attentionGflop(tokens, heads, headDim);
    const d = engine.describe();
    return {
      kernel: `attention_${config.impl}`,
      impl: config.impl,
      backend: d.backend,
      simd: d.simd,
      threads: d.threads,
      tokens, heads, head_dim: headDim,
      num_warm_iter: config.warmup,
      num_bench_iter: config.iterations,
      step_time: round(timing.median, 3),
      step_time_min: round(timing.min, 3),
      gflop_per_call: round(gflop, 4),
      gflops: round(gflop / (timing.median / 1000)),
      scores_buffer_mb: round((heads * tokens * tokens * 4) / MB, 1),
      rss_before_mb: round(rssBefore / MB, 1),
      peak_rss_mb: round(peak.peak_rss_bytes / MB, 1),
      peak_rss_delta_mb: round(Math.max(0, peak.peak_rss_bytes - rssBefore) / MB, 1),
      peak_array_buffers_mb: round(peak.peak_array_buffers_bytes / MB, 1),
      out_sum: round((await engine.read(out)).reduce((a, b) => a + b, 0), 3),
    };
  } finally {
    await bench.dispose();
  }
}

/** The table, and per size and thread count fused's speed-up over eager and the two memory deltas. */
export function formatAttentionResults(results: readonly AttentionBenchResult[]): string {
  const table = formatTable(
    ['impl', 'backend', 'simd', 'threads', 'tokens', 'heads x dim', 'warmup', 'iters', 'ms/call', 'GFLOP/s', 'N×N buffer (MB)', 'peak RSS (MB)', 'RSS delta (MB)'],
    results.map((r) => [
      r.impl, r.backend, r.simd ?? '-', r.threads, r.tokens, `${r.heads}x${r.head_dim}`, r.num_warm_iter, r.num_bench_iter,
      r.step_time, r.gflops, r.impl === 'eager' ? r.scores_buffer_mb : 0, r.peak_rss_mb, r.peak_rss_delta_mb,
    ]),
  );
  const lines: string[] = [];
  for (const f of results) {
    if (f.impl !== 'fused') continue;
    const e = results.find((r) => r.impl === 'eager' && r.tokens === f.tokens && r.threads === f.threads && r.backend === f.backend && r.simd === f.simd);
    if (e) lines.push(`${f.tokens} tokens, ${f.backend} ${f.threads} thread(s): fused ${round(e.step_time / f.step_time)}x faster than eager; memory +${f.peak_rss_delta_mb} MB fused vs +${e.peak_rss_delta_mb} MB eager`);
  }
  return lines.length ? `${table}\n\n${lines.join('\n')}` : table;
}
