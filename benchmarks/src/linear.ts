/**
 * Single-thread GFLOP/s of op `linear` on the 'js' backend (packed 4×4 register tiles) against its naive
 * reference, on ViT-B/16's two projection shapes for one image (197 tokens): 768→768 (attention out / q,k,v)
 * and 768→3072 (MLP fc1). Median of several timed runs after warm-up; prints one JSON object.
 * Run: node benchmarks/dist/linear.js
 */
import { createEngine, runReference, torchGemmWeight, type ActivationName } from '@purevit/core';
import { random, time, timeOps } from './stats.js';

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

function result(kernel: string, rows: number, inF: number, outF: number, warmup: number, iterations: number, t: { median: number; min: number }): Result {
  const gflop = (2 * rows * inF * outF) / 1e9;
  return {
    kernel, rows, in_features: inF, out_features: outF, gflop_per_call: +gflop.toFixed(4), warmup, iterations,
    ms_median: +t.median.toFixed(2), ms_min: +t.min.toFixed(2), gflops: +(gflop / (t.median / 1000)).toFixed(3),
    gflops_best: +(gflop / (t.min / 1000)).toFixed(3),
  };
}

const engine = await createEngine({ backend: 'js' });
const arena = engine.createArena();
const rows = 197;
const results: Result[] = [];
for (const [inF, outF] of [[768, 768], [768, 3072]]) {
  const x = random(rows * inF, 1);
  const w = random(outF * inF, 2);
  const b = random(outF, 3);
  const weight = arena.prepareLinear(w, b, outF, inF);
  const xs = arena.upload(x), out = arena.alloc(rows * outF);
  const run = (activation?: ActivationName) => () => engine.ops.linear({ x: xs, rows, weight, out, activation });
  results.push(result('linear (packed 4x4 tile)', rows, inF, outF, 5, 15, await timeOps(run(), () => engine.flush(), 5, 15)));
  results.push(result('linear + gelu epilogue', rows, inF, outF, 3, 9, await timeOps(run('gelu'), () => engine.flush(), 3, 9)));
  const reference = { x, rows, weight: torchGemmWeight(w, b, outF, inF), out: new Float32Array(rows * outF) };
  results.push(result('linear reference (naive)', rows, inF, outF, 1, 3, time(() => runReference('linear', reference), 1, 3)));
}
arena.dispose();
await engine.dispose();

console.log(JSON.stringify({ benchmark: 'linear', threads: 1, node: process.version, results }, null, 2));
