/**
 * Single-thread GFLOP/s of `linear` (packed, register-tiled) against the naive reference, on ViT-B/16's
 * two projection shapes for one image (197 tokens): 768→768 (attention out / q,k,v) and 768→3072 (MLP fc1).
 * Median of several timed runs after warm-up; prints one JSON object. Run: node benchmarks/dist/linear.js
 */
import { linear, linearReference, prepareLinear } from '@purevit/core';
import { random, time } from './stats.js';

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

function measure(kernel: string, rows: number, inF: number, outF: number, warmup: number, iterations: number, run: () => void): Result {
  const t = time(run, warmup, iterations);
  const gflop = (2 * rows * inF * outF) / 1e9;
  return {
    kernel, rows, in_features: inF, out_features: outF, gflop_per_call: +gflop.toFixed(4), warmup, iterations,
    ms_median: +t.median.toFixed(2), ms_min: +t.min.toFixed(2), gflops: +(gflop / (t.median / 1000)).toFixed(3),
    gflops_best: +(gflop / (t.min / 1000)).toFixed(3),
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
  results.push(measure('linear (packed 4x4 tile)', rows, inF, outF, 5, 15, () => linear(x, rows, layer, out)));
  results.push(measure('linear + gelu epilogue', rows, inF, outF, 3, 9, () => linear(x, rows, layer, out, { activation: 'gelu' })));
  results.push(measure('linearReference (naive)', rows, inF, outF, 1, 3, () => linearReference(x, rows, w, b, outF, inF, out)));
}

console.log(JSON.stringify({
  benchmark: 'linear',
  threads: 1,
  node: process.version,
  results,
}, null, 2));
