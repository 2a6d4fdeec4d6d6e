/**
 * `purevit bench kernels`: GFLOP/s of the engine's `linear` (weights packed once by its arena, as the models do) on
 * ViT-B/16's projection shapes for 197 tokens per image, at each thread count; on the js backend also
 * the naive reference once, for scale.
 */

import { runReference, torchGemmWeight } from '@purevit/core';
import { openEngine, type BenchBackend, type BenchSimd } from './bench-engine.js';
import { formatTable, round, timeSteps } from './bench-stats.js';

export interface LinearShape {
  name: string;
  inFeatures: number;
  outFeatures: number;
}

/** ViT-B/16's linear layers (hidden 768, MLP 3072), q, k and v fused as timm does. */
export const VIT_B_LINEARS: readonly LinearShape[] = [
  { name: 'attn.qkv', inFeatures: 768, outFeatures: 2304 },
  { name: 'attn.proj', inFeatures: 768, outFeatures: 768 },
  { name: 'mlp.fc1', inFeatures: 768, outFeatures: 3072 },
  { name: 'mlp.fc2', inFeatures: 3072, outFeatures: 768 },
];

export interface KernelsBenchConfig {
  backend: BenchBackend;
  simd: BenchSimd | null;
  threads: number;
  /** Rows per call: 197 × batch. */
  rows: number[];
  /** Fixed counts, or null for the defaults per shape. */
  warmup: number | null;
  iterations: number | null;
  /** Only these shapes (names), or all. */
  shapes: string[] | null;
}

export interface KernelsBenchResult {
  kernel: string;
  shape: string;
  backend: string;
  simd: string | null;
  threads: number;
  rows: number;
  in_features: number;
  out_features: number;
  num_warm_iter: number;
  num_bench_iter: number;
  step_time: number;
  step_time_min: number;
  gflop_per_call: number;
  gflops: number;
  /** From the fastest call: the least disturbed by other load. */
  gflops_best: number;
}

function random(a: Float32Array, seed: number): Float32Array {
  const n = a.length;
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32 - 0.5) * 0.1;
  }
  return a;
}

/** About 5 GFLOP per shape: 5 to 30 timed calls. */
export function defaultKernelIterations(gflop: number): { warmup: number; iterations: number } {
  return { warmup: 2, iterations: Math.min(30, Math.max(5, Math.round(5 / gflop))) };
}

export async function runKernelsConfig(config: KernelsBenchConfig): Promise<KernelsBenchResult[]> {
  const bench = await openEngine(config.backend, config.threads, config.simd);
  const { engine, arena } = bench;
  try {
    const d = engine.describe();
    const results: KernelsBenchResult[] = [];
    const shapes = VIT_B_LINEARS.filter((s) => !config.shapes || config.shapes.includes(s.name));
    for (const rows of config.rows) {
      for (const shape of shapes) {
        const { inFeatures: k, outFeatures: n } = shape;
        const gflop = (2 * rows * k * n) / 1e9;
        const xHost = random(new Float32Array(rows * k), 1); // [rows, in]
        const x = arena.upload(xHost); // in engine memory, as a model's activations
        const weight = random(new Float32Array(n * k), 2); // [out, in], torch layout
        const bias = random(new Float32Array(n), 3); // [out]
        const out = arena.alloc(rows * n); // [rows, out]
        const layer = arena.prepareLinear(weight, bias, n, k);
        const defaults = defaultKernelIterations(gflop);
        const warmup = config.warmup ?? defaults.warmup;
        const iterations = config.iterations ?? defaults.iterations;
        const record = (kernel: string, w: number, t: { median: number; min: number }, iters: number): void => {
          results.push({
            kernel, shape: `${shape.name} ${k}→${n}`, backend: d.backend, simd: d.simd, threads: d.threads, rows,
            in_features: k, out_features: n, num_warm_iter: w, num_bench_iter: iters,
            step_time: round(t.median, 3), step_time_min: round(t.min, 3), gflop_per_call: round(gflop, 4),
            gflops: round(gflop / (t.median / 1000)), gflops_best: round(gflop / (t.min / 1000)),
          });
        };
        // Each step enqueues the op and waits for it (flush): the time of the computation, not of the call.
        const step = async (): Promise<void> => {
          engine.ops.linear({ x, rows, weight: layer, out });
          await engine.flush();
        };
        record('linear', warmup, await timeSteps(step, warmup, iterations), iterations);
        if (d.backend === 'js' && d.threads === 1 && shape.name === 'attn.proj') {
          // The naive triple loop (the op's reference), once: what the packed kernel is measured against.
          const reference = { x: xHost, rows, weight: torchGemmWeight(weight, bias, n, k), out: new Float32Array(rows * n) };
          record('linearReference', 0, await timeSteps(() => runReference('linear', reference), 0, 1), 1);
        }
      }
    }
    return results;
  } finally {
    await bench.dispose();
  }
}

export function formatKernelsResults(results: readonly KernelsBenchResult[]): string {
  return formatTable(
    ['kernel', 'shape', 'backend', 'simd', 'threads', 'rows', 'warmup', 'iters', 'ms/call', 'GFLOP/s', 'best GFLOP/s'],
    results.map((r) => [r.kernel, r.shape, r.backend, r.simd ?? '-', r.threads, r.rows, r.num_warm_iter, r.num_bench_iter, r.step_time, r.gflops, r.gflops_best]),
  );
}
