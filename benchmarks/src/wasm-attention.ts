/**
 * Attention on the 'wasm' backend, eager (materialised probabilities) vs fused (online softmax over key
 * blocks), on 1 and 2 threads, against the 'js' backend's, for ViT-B heads (12 × 64) at 197, 577 and 1025
 * tokens (224, 384 and 512 px at patch 16) on a fused qkv layout. Median of several runs after warm-up (each
 * ends at flush); prints one JSON object (and writes it to --out FILE).
 *
 * Add --relaxed-simd to use the relaxed-simd FMA kernel on Node 20 (it sets the V8 flag).
 * Build and run: npx tsc -b benchmarks && node benchmarks/dist/wasm-attention.js [--iters 9] [--no-js] [--out f.json]
 */
import { cpus } from 'node:os';
import { createEngine, enableRelaxedSimd, relaxedSimdSupported, type Engine } from '@purevit/core';
import { arg, random, report, timeOps } from './stats.js';

async function main(): Promise<void> {
  const relaxed = process.argv.includes('--relaxed-simd') && (await enableRelaxedSimd());
  const iterations = Number(arg('iters') ?? 9);
  const warmup = Number(arg('warmup') ?? 3);
  const engines: Array<[string, Engine]> = [
    ['wasm', await createEngine({ backend: 'wasm', threads: 1, relaxedSimd: relaxed })],
    ['wasm-2threads', await createEngine({ backend: 'wasm', threads: 2, relaxedSimd: relaxed })],
  ];
  if (!process.argv.includes('--no-js')) engines.push(['js', await createEngine({ backend: 'js' })]);
  const results: Array<Record<string, number | string>> = [];
  for (const tokens of [197, 577, 1025]) {
    const width = 768;
    const gflop = (4 * 12 * tokens * tokens * 64) / 1e9;
    for (const [name, engine] of engines) {
      const arena = engine.createArena();
      const qkv = arena.upload(random(tokens * 3 * width, 1).map((v) => v * 4));
      const args = {
        q: qkv, ldq: 3 * width, k: qkv.view(width), ldk: 3 * width, v: qkv.view(2 * width), ldv: 3 * width, out: arena.alloc(tokens * width), ldo: width,
        batch: 1, heads: 12, queryLen: tokens, keyLen: tokens, headDim: 64,
      };
      for (const impl of ['eager', 'fused'] as const) {
        const slow = name === 'js';
        const run = (): void => (impl === 'eager' ? engine.ops.attentionEager(args) : engine.ops.attentionFused(args));
        const t = await timeOps(run, () => engine.flush(), slow ? 1 : warmup, slow ? 3 : iterations);
        const kernel = `${name}-${impl}`;
        const r = { kernel, tokens, heads: 12, head_dim: 64, gflop_per_call: gflop, ms_median: t.median, ms_min: t.min, gflops: gflop / (t.median / 1e3) };
        results.push(r);
        process.stderr.write(`${kernel} tokens=${tokens}: ${t.median.toFixed(2)} ms, ${r.gflops.toFixed(1)} GFLOP/s\n`);
      }
      arena.dispose();
    }
  }
  for (const [, engine] of engines) await engine.dispose();
  report({ benchmark: 'wasm-attention', node: process.version, relaxed_simd: relaxed || relaxedSimdSupported(), cpu: cpus()[0]?.model ?? 'unknown', results });
}

await main();
