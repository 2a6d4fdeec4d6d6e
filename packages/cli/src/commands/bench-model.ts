/**
 * `purevit bench model`: ViT-Ti/16, S/16 and B/16 (the benchmark's own deterministic checkpoints, loaded
 * through `fromPretrained`), batch-1 latency and batch-8 throughput, median of N steps after warm-up, and
 * the peak memory of a process that does only that. Fields as timm's benchmark.py.
 */

import { Tensor } from '@purevit/core';
import { ViTForImageClassification } from '@purevit/models';
import { benchModelSpec, benchPixels, macsPerImage, parameterCount, type BenchModelSpec } from './bench-checkpoint.js';
import { openEngine, type BenchBackend, type BenchSimd } from './bench-engine.js';
import { MB, MemorySampler, formatTable, round, timeSteps } from './bench-stats.js';

export interface ModelBenchConfig {
  model: string;
  dir: string;
  weightBytes: number;
  imageSize: number;
  batch: number;
  backend: BenchBackend;
  simd: BenchSimd | null;
  threads: number;
  warmup: number;
  iterations: number;
}

export interface ModelBenchResult {
  /** timm's model name, e.g. vit_base_patch16_224. */
  model: string;
  backend: string;
  simd: string | null;
  threads: number;
  batch_size: number;
  img_size: number;
  /** Millions of parameters. */
  param_count: number;
  num_warm_iter: number;
  num_bench_iter: number;
  /** Median ms per forward of the whole batch. */
  step_time: number;
  step_time_min: number;
  samples_per_sec: number;
  /** Giga multiply-adds per sample (timm's gmacs). */
  gmacs: number;
  /** Achieved GFLOP/s (2 · gmacs · samples/s). */
  gflops: number;
  load_ms: number;
  weights_mb: number;
  peak_rss_mb: number;
  peak_heap_used_mb: number;
  peak_external_mb: number;
  peak_array_buffers_mb: number;
  /** Peak RSS over the fp32 weight size: the memory target is ≤ 1.3 × weights + 100 MB. */
  rss_over_weights: number;
  rss_budget_mb: number;
  /** Sum of the last logits: the same checkpoint and input give the same number on every backend. */
  logits_sum: number;
}

/** Default timed steps: about 100 GMACs of work per configuration, at least 2 and at most 20 steps. */
export function defaultModelIterations(spec: BenchModelSpec, imageSize: number, batch: number): { warmup: number; iterations: number } {
  const gmacs = (macsPerImage(spec, imageSize) * batch) / 1e9;
  return { warmup: gmacs < 5 ? 2 : 1, iterations: Math.min(20, Math.max(2, Math.round(100 / gmacs))) };
}

export function timmModelName(spec: BenchModelSpec, imageSize: number): string {
  return `${spec.name}_patch${spec.patch}_${imageSize}`;
}

export async function runModelConfig(config: ModelBenchConfig): Promise<ModelBenchResult> {
  const spec = benchModelSpec(config.model);
  const memory = new MemorySampler();
  const bench = await openEngine(config.backend, config.threads, config.simd);
  const engine = bench.engine;
  try {
    const t0 = performance.now();
    const model = await ViTForImageClassification.fromPretrained(config.dir, { engine });
    const loadMs = performance.now() - t0;
    memory.sample();
    const { batch, imageSize } = config;
    const pixelValues = new Tensor(benchPixels(batch, imageSize), [batch, 3, imageSize, imageSize]);
    let logits: Tensor | null = null;
    const timing = await timeSteps(
      async () => {
        logits = (await model.forward({ pixelValues })).logits;
      },
      config.warmup,
      config.iterations,
      () => memory.sample(),
    );
    const peak = memory.peak();
    const out = logits as Tensor | null;
    const logitsSum = out ? out.data.reduce((a, b) => a + b, 0) : NaN;
    await model.dispose();
    const gmacs = macsPerImage(spec, imageSize) / 1e9;
    const samplesPerSec = (batch * 1000) / timing.median;
    const d = engine.describe();
    return {
      model: timmModelName(spec, imageSize),
      backend: d.backend,
      simd: d.simd,
      threads: d.threads,
      batch_size: batch,
      img_size: imageSize,
      param_count: round(parameterCount(spec, imageSize) / 1e6),
      num_warm_iter: config.warmup,
      num_bench_iter: config.iterations,
      step_time: round(timing.median, 3),
      step_time_min: round(timing.min, 3),
      samples_per_sec: round(samplesPerSec),
      gmacs: round(gmacs, 3),
      gflops: round(2 * gmacs * samplesPerSec, 2),
      load_ms: round(loadMs, 1),
      weights_mb: round(config.weightBytes / MB, 1),
      peak_rss_mb: round(peak.peak_rss_bytes / MB, 1),
      peak_heap_used_mb: round(peak.peak_heap_used_bytes / MB, 1),
      peak_external_mb: round(peak.peak_external_bytes / MB, 1),
      peak_array_buffers_mb: round(peak.peak_array_buffers_bytes / MB, 1),
      rss_over_weights: round(peak.peak_rss_bytes / config.weightBytes, 2),
      rss_budget_mb: round((1.3 * config.weightBytes) / MB + 100, 1),
      logits_sum: round(logitsSum, 4),
    };
  } finally {
    await bench.dispose();
  }
}

/** The human-readable table, and the scaling lines (throughput at N threads over 1 thread). */
export function formatModelResults(results: readonly ModelBenchResult[]): string {
  const table = formatTable(
    ['model', 'backend', 'simd', 'threads', 'batch', 'img', 'params (M)', 'warmup', 'iters', 'ms/step', 'samples/s', 'GMACs', 'GFLOP/s', 'peak RSS (MB)', 'RSS/weights'],
    results.map((r) => [
      r.model, r.backend, r.simd ?? '-', r.threads, r.batch_size, r.img_size, r.param_count, r.num_warm_iter, r.num_bench_iter,
      r.step_time, r.samples_per_sec, r.gmacs, r.gflops, r.peak_rss_mb, r.rss_over_weights,
    ]),
  );
  const scaling: string[] = [];
  for (const r of results) {
    if (r.threads === 1) continue;
    const one = results.find((o) => o.threads === 1 && o.model === r.model && o.backend === r.backend && o.simd === r.simd && o.batch_size === r.batch_size);
    if (one) scaling.push(`${r.model} ${r.backend} batch ${r.batch_size}: ${round(r.samples_per_sec / one.samples_per_sec)}x samples/s from 1 to ${r.threads} threads`);
  }
  const memory = results
    .filter((r, i) => results.findIndex((o) => o.model === r.model) === i)
    .map((r) => `${r.model}: weights ${r.weights_mb} MB, memory budget 1.3 x weights + 100 MB = ${r.rss_budget_mb} MB`);
  return [table, ...(scaling.length ? ['', ...scaling] : []), '', ...memory].join('\n');
}
