/**
 * GFLOP/s of the WebAssembly SIMD GEMM (packed B, register-tiled, emitted by our TypeScript) on ViT-B/16's
 * linear shapes, at 1 thread and over a worker pool, for one image (197 tokens) and a batch of 8 (1576
 * rows); the plain-TS `linear` of @purevit/core at 1 thread for comparison. Median of several timed runs
 * after warm-up; prints one JSON object (and writes it to --out FILE when given).
 *
 * Add --relaxed-simd to use the relaxed-simd FMA kernel on Node 20 (it sets the V8 flag).
 * Build and run: npx tsc -b benchmarks && node benchmarks/dist/wasm-gemm.js [--iters 15] [--warmup 5]
 *   [--threads 1,2] [--tiling mr,nr,kc,mc,unroll[,fma]] [--no-js] [--quick] [--epilogue] [--out file.json]
 * On Node 20, `node --experimental-wasm-relaxed-simd …` enables the relaxed-simd FMA kernel (default elsewhere).
 */
import { availableParallelism, cpus } from 'node:os';
import { linear, prepareLinear } from '@purevit/core';
// The fast backend is not re-exported from @purevit/core's entry point yet (see the integration notes in
// packages/core/src/wasm/backend.ts): import the built modules directly.
import { enableRelaxedSimd, parallelGemmSync, WorkerPool } from '../../packages/core/dist/parallel/index.js';
import { preferredTiling, WasmBackend, WasmHeap, type GemmOptions, type GemmTiling, relaxedSimdSupported } from '../../packages/core/dist/wasm/index.js';
import { arg, flag, random, report, round, time } from './stats.js';


interface Shape {
  name: string;
  rows: number;
  inFeatures: number;
  outFeatures: number;
}

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

const VIT_B: Array<Omit<Shape, 'rows'>> = [
  { name: 'attn.proj 768→768', inFeatures: 768, outFeatures: 768 },
  { name: 'mlp.fc1 768→3072', inFeatures: 768, outFeatures: 3072 },
  { name: 'mlp.fc2 3072→768', inFeatures: 3072, outFeatures: 768 },
  { name: 'attn.qkv 768→2304', inFeatures: 768, outFeatures: 2304 },
];

/** `mr,nr,kc,mc,unroll[,fma]` (fma = 1 for relaxed-simd multiply-add), else the backend's preferred tiling. */
function parseTiling(text: string | undefined): GemmTiling {
  if (!text) return preferredTiling();
  const [mr, nr, kc, mc, unroll, fma] = text.split(',').map(Number);
  return { mr, nr, kc, mc, unroll, fma: fma === 1 };
}

async function main(): Promise<void> {
  // Node 20 has relaxed-simd (the FMA kernel) only behind a V8 flag: --relaxed-simd sets it.
  if (process.argv.includes('--relaxed-simd')) await enableRelaxedSimd();
  const iterations = Number(arg('iters') ?? 15);
  const warmup = Number(arg('warmup') ?? 5);
  const threadCounts = (arg('threads') ?? '1,2').split(',').map(Number);
  const tiling = parseTiling(arg('tiling'));
  const withJs = !flag('no-js');
  const withEpilogue = flag('epilogue');
  const batches = flag('quick') ? [1] : [1, 8];

  const heap = new WasmHeap();
  const backend = WasmBackend.createSync({ heap, tiling });
  const pools = new Map<number, WorkerPool>();
  for (const t of threadCounts) if (t > 1) pools.set(t, await WorkerPool.create(backend, { threads: t }));

  const results: Result[] = [];
  for (const batch of batches) {
    for (const s of VIT_B) {
      const shape: Shape = { ...s, rows: 197 * batch };
      const { rows, inFeatures: k, outFeatures: n } = shape;
      const gflop = (2 * rows * k * n) / 1e9;
      const weight = random(n * k, 7);
      const bias = random(n, 8);
      // Operands live in the heap, as a model's run state and packed weights would.
      const x = random(rows * k, 9, heap.allocFloat32(rows * k));
      const out = heap.allocFloat32(rows * n);
      const packed = backend.packWeight(weight, n, k);
      const epilogues: Array<[string, GemmOptions]> = [['none', {}]];
      if (withEpilogue) {
        const heapBias = heap.allocFloat32(n);
        heapBias.set(bias);
        epilogues.push(['bias+geluErf', { bias: heapBias, activation: 'geluErf' }]);
      }
      const record = (kernel: string, threads: number, epilogue: string, t: { median: number; min: number }): void => {
        const r: Result = {
          kernel, shape: shape.name, rows, in_features: k, out_features: n, threads, epilogue,
          gflop_per_call: gflop, warmup, iterations,
          ms_median: round(t.median), ms_min: round(t.min),
          gflops: round(gflop / (t.median / 1e3)), gflops_best: round(gflop / (t.min / 1e3)),
        };
        results.push(r);
        process.stderr.write(`${kernel} ${shape.name} rows=${rows} threads=${threads} ${epilogue}: ${r.ms_median} ms, ${r.gflops} GFLOP/s\n`);
      };
      for (const [epiName, options] of epilogues) {
        for (const threads of threadCounts) {
          const pool = pools.get(threads);
          const run = pool ? () => parallelGemmSync(pool, x, rows, packed, out, options) : () => backend.gemm(x, rows, packed, out, options);
          record('wasm-simd-gemm', threads, epiName, time(run, warmup, iterations));
        }
      }
      if (withJs && batch === 1) {
        const layer = prepareLinear(weight, null, n, k);
        const jsOut = new Float32Array(rows * n);
        record('js-linear', 1, 'none', time(() => linear(x, rows, layer, jsOut), 1, Math.max(3, Math.floor(iterations / 3))));
      }
      backend.freePacked(packed);
      heap.freeArray(x);
      heap.freeArray(out);
    }
  }
  for (const pool of pools.values()) await pool.terminate();

  const summary = {
    benchmark: 'wasm-gemm',
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    relaxed_simd: relaxedSimdSupported(),
    tiling,
    results,
  };
  report(summary);
}

await main();
