/**
 * Single-thread GFLOP/s of `linear` (packed, register-tiled) against the naive reference, on ViT-B/16's
 * two projection shapes for one image (197 tokens): 768→768 (attention out / q,k,v) and 768→3072 (MLP fc1).
 * Median of several timed runs after warm-up; prints one JSON object. Run: node benchmarks/dist/linear.js
 */
import { linear, linearReference, prepareLinear } from '@purevit/core';

interface Result {
  kernel: string;
  rows: number;
  in_features: number;
  out_features: number;
  gflop_per_call: number;
  warmup: number;
  iterations: number;
  ms_median: number;
  ms_min: number;
  gflops: number;
  /** From the fastest run: the least disturbed by other load on the machine. */
  gflops_best: number;
}

function random(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

function time(kernel: string, rows: number, inF: number, outF: number, warmup: number, iterations: number, run: () => void): Result {
  for (let i = 0; i < warmup; i++) run();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  const gflop = (2 * rows * inF * outF) / 1e9;
  return {
    kernel, rows, in_features: inF, out_features: outF, gflop_per_call: +gflop.toFixed(4), warmup, iterations,
    ms_median: +median.toFixed(2), ms_min: +ms[0].toFixed(2), gflops: +(gflop / (median / 1000)).toFixed(3),
    gflops_best: +(gflop / (ms[0] / 1000)).toFixed(3),
  };
}

const rows = 197;
const results: Result[] = [];
for (const [inF, outF] of [[768, 768], [768, 3072]]) {
  const x = random(rows * inF, 1);
  const w = random(outF * inF, 2);
  const b = random(outF, 3);
  const out = new Float32Array(rows * outF);
  const layer = prepareLinear(w, b, outF, inF);
  results.push(time('linear (packed 4x4 tile)', rows, inF, outF, 5, 15, () => linear(x, rows, layer, out)));
  results.push(time('linear + gelu epilogue', rows, inF, outF, 3, 9, () => linear(x, rows, layer, out, { activation: 'gelu' })));
  results.push(time('linearReference (naive)', rows, inF, outF, 1, 3, () => linearReference(x, rows, w, b, outF, inF, out)));
}

console.log(JSON.stringify({
  benchmark: 'linear',
  threads: 1,
  node: process.version,
  results,
}, null, 2));
