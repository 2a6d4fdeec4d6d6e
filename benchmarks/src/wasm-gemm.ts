/**
 * GFLOP/s of op `linear` on the 'wasm' backend (the packed, register-tiled SIMD GEMM emitted by our
 * TypeScript) on ViT-B/16's linear shapes, at each thread count, for one image (197 tokens) and a batch of 8
 * (1576 rows); the 'js' backend's `linear` at 1 thread for comparison. Median of several timed runs after
 * warm-up (each run ends when the engine has finished: flush); prints one JSON object (and writes it to
 * --out FILE when given).
 *
 * Add --relaxed-simd to use the relaxed-simd FMA kernel on Node 20 (it sets the V8 flag).
 * Build and run: npx tsc -b benchmarks && node benchmarks/dist/wasm-gemm.js [--iters 15] [--warmup 5]
 *   [--threads 1,2] [--no-js] [--quick] [--epilogue] [--out file.json]
 */
import { availableParallelism, cpus } from 'node:os';
import { createEngine, enableRelaxedSimd, relaxedSimdSupported, type ActivationName, type Engine } from '@purevit/core';
import { arg, flag, random, report, round, timeOps } from './stats.js';

interface Result {
  kernel: string;
  shape: string;
  rows: number;
  in_features: number;
  out_features: number;
  threads: number;
  epilogue: string;
  gflop_per_call: number;
  warmup: number;
  iterations: number;
  ms_median: number;
  ms_min: number;
  gflops: number;
  /** From the fastest run: the least disturbed by other load on the machine. */
  gflops_best: number;
}

const VIT_B = [
  { name: 'attn.proj 768→768', inFeatures: 768, outFeatures: 768 },
  { name: 'mlp.fc1 768→3072', inFeatures: 768, outFeatures: 3072 },
  { name: 'mlp.fc2 3072→768', inFeatures: 3072, outFeatures: 768 },
  { name: 'attn.qkv 768→2304', inFeatures: 768, outFeatures: 2304 },
];

async function main(): Promise<void> {
  // Node 20 has relaxed-simd (the FMA kernel) only behind a V8 flag: --relaxed-simd sets it.
  const relaxed = process.argv.includes('--relaxed-simd') && (await enableRelaxedSimd());
  const iterations = Number(arg('iters') ?? 15);
  const warmup = Number(arg('warmup') ?? 5);
  const threadCounts = (arg('threads') ?? '1,2').split(',').map(Number);
  const batches = flag('quick') ? [1] : [1, 8];
  const engines: Array<[string, number, Engine]> = [];
  for (const t of threadCounts) engines.push(['wasm-simd-gemm', t, await createEngine({ backend: 'wasm', threads: t, relaxedSimd: relaxed })]);
  if (!flag('no-js')) engines.push(['js-linear', 1, await createEngine({ backend: 'js' })]);
  const epilogues: Array<[string, ActivationName | undefined]> = [['bias', undefined]];
  if (flag('epilogue')) epilogues.push(['bias+geluErf', 'gelu']);

  const results: Result[] = [];
  for (const batch of batches) {
    for (const s of VIT_B) {
      const rows = 197 * batch, k = s.inFeatures, n = s.outFeatures;
      const gflop = (2 * rows * k * n) / 1e9;
      for (const [kernel, threads, engine] of engines) {
        if (kernel === 'js-linear' && batch > 1) continue;
        // Operands in engine memory, as a model's run state and packed weights are.
        const arena = engine.createArena();
        const x = arena.upload(random(rows * k, 9));
        const out = arena.alloc(rows * n);
        const weight = arena.prepareLinear(random(n * k, 7), random(n, 8), n, k);
        for (const [epilogue, activation] of epilogues) {
          const slow = kernel === 'js-linear';
          const [w, it] = slow ? [1, Math.max(3, Math.floor(iterations / 3))] : [warmup, iterations];
          const t = await timeOps(() => engine.ops.linear({ x, rows, weight, out, activation }), () => engine.flush(), w, it);
          const r: Result = {
            kernel, shape: s.name, rows, in_features: k, out_features: n, threads, epilogue, gflop_per_call: gflop, warmup: w, iterations: it,
            ms_median: round(t.median), ms_min: round(t.min), gflops: round(gflop / (t.median / 1e3)), gflops_best: round(gflop / (t.min / 1e3)),
          };
          results.push(r);
          process.stderr.write(`${kernel} ${s.name} rows=${rows} threads=${threads} ${epilogue}: ${r.ms_median} ms, ${r.gflops} GFLOP/s\n`);
        }
        arena.dispose();
      }
    }
  }
  for (const [, , engine] of engines) await engine.dispose();
  report({ benchmark: 'wasm-gemm', node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), relaxed_simd: relaxed || relaxedSimdSupported(), results });
}

await main();
