/**
 * One ViT-B/16 encoder layer (pre-norm, as HF ViT / timm) as engine ops on the 'wasm' backend, at each thread
 * count, for batch 1 and 8 (197 tokens each), with random weights:
 *   h = x + proj(attention(qkv(LN1(x))));   y = h + fc2(geluErf(fc1(LN2(h))))
 * using fused epilogues (bias; bias + GELU; bias + residual) and the fused attention. "per image" extrapolates
 * to the 12 layers plus the patch embedding (a 196×768·768×768 GEMM), i.e. everything but the tiny head.
 * Median of several runs after warm-up (each ends at flush); prints one JSON object (and writes it to --out FILE).
 *
 * Add --relaxed-simd to use the relaxed-simd FMA kernel on Node 20 (it sets the V8 flag).
 * Build and run: npx tsc -b benchmarks && node benchmarks/dist/wasm-vit-layer.js [--iters 9] [--threads 1,2] [--out f.json]
 */
import { availableParallelism, cpus } from 'node:os';
import { createEngine, enableRelaxedSimd, relaxedSimdSupported } from '@purevit/core';
import { arg, fillRandom, report, round, timeOps } from './stats.js';

async function main(): Promise<void> {
  const relaxed = process.argv.includes('--relaxed-simd') && (await enableRelaxedSimd());
  const iterations = Number(arg('iters') ?? 9);
  const warmup = Number(arg('warmup') ?? 3);
  const threadCounts = (arg('threads') ?? '1,2').split(',').map(Number);
  const D = 768, H = 12, F = 3072;
  const results: Array<Record<string, number | string>> = [];
  for (const threads of threadCounts) {
    const engine = await createEngine({ backend: 'wasm', threads, relaxedSimd: relaxed });
    const arena = engine.createArena();
    let seed = 1;
    const values = (n: number, amplitude: number): Float32Array => {
      const a = new Float32Array(n);
      seed = fillRandom(a, seed, amplitude);
      return a;
    };
    const layer = (outF: number, inF: number) => arena.prepareLinear(values(outF * inF, 2 / Math.sqrt(inF)), values(outF, 0.1), outF, inF);
    const qkv = layer(3 * D, D), proj = layer(D, D), fc1 = layer(F, D), fc2 = layer(D, F), embed = layer(D, D);
    const [ln1w, ln1b, ln2w, ln2b] = [values(D, 1), values(D, 0.1), values(D, 1), values(D, 0.1)].map((v) => arena.upload(v));
    for (const batch of [1, 8]) {
      const T = 197, rows = batch * T;
      const x = arena.upload(values(rows * D, 2)), ln = arena.alloc(rows * D), qkvOut = arena.alloc(rows * 3 * D);
      const ctx = arena.alloc(rows * D), h = arena.alloc(rows * D), mid = arena.alloc(rows * F), y = arena.alloc(rows * D);
      const patches = arena.upload(values(batch * 196 * D, 1)), tokens = arena.alloc(batch * 196 * D);
      const ops = engine.ops;
      const oneLayer = (): void => {
        ops.layerNorm({ x, out: ln, rows, dim: D, weight: ln1w, bias: ln1b, eps: 1e-12 });
        ops.linear({ x: ln, rows, weight: qkv, out: qkvOut });
        ops.attentionFused({
          q: qkvOut, ldq: 3 * D, k: qkvOut.view(D), ldk: 3 * D, v: qkvOut.view(2 * D), ldv: 3 * D, out: ctx, ldo: D,
          batch, heads: H, queryLen: T, keyLen: T, headDim: D / H,
        });
        ops.linear({ x: ctx, rows, weight: proj, out: h, residual: x });
        ops.layerNorm({ x: h, out: ln, rows, dim: D, weight: ln2w, bias: ln2b, eps: 1e-12 });
        ops.linear({ x: ln, rows, weight: fc1, out: mid, activation: 'gelu' });
        ops.linear({ x: mid, rows, weight: fc2, out: y, residual: h });
      };
      const layerMs = (await timeOps(oneLayer, () => engine.flush(), warmup, iterations)).median;
      const embedMs = (await timeOps(() => ops.linear({ x: patches, rows: batch * 196, weight: embed, out: tokens }), () => engine.flush(), warmup, iterations)).median;
      const perImage = (12 * layerMs + embedMs) / batch;
      const r = {
        kernel: 'wasm-vit-b16-layer', threads, batch, warmup, iterations,
        layer_ms: round(layerMs), patch_embed_ms: round(embedMs),
        ms_per_image: round(perImage), images_per_s: round(1000 / perImage),
        gflops: round((35.1 * batch) / ((12 * layerMs + embedMs) / 1e3)),
      };
      results.push(r);
      process.stderr.write(`threads=${threads} batch=${batch}: layer ${r.layer_ms} ms, ≈ ${r.ms_per_image} ms per image (${r.images_per_s} img/s)\n`);
      for (const a of [x, ln, qkvOut, ctx, h, mid, y, patches, tokens]) arena.free(a);
    }
    arena.dispose();
    await engine.dispose();
  }
  report({ benchmark: 'wasm-vit-layer', model: 'vit-b16 (random weights)', node: process.version, relaxed_simd: relaxed || relaxedSimdSupported(), cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), results });
}

await main();
