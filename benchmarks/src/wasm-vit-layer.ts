/**
 * One ViT-B/16 encoder layer (pre-norm, as HF ViT / timm) on the WASM backend, at 1 thread and over a
 * worker pool, for batch 1 and 8 (197 tokens each), with random weights:
 *   h = x + proj(attention(qkv(LN1(x))));   y = h + fc2(geluErf(fc1(LN2(h))))
 * using fused epilogues (bias; bias + GELU; bias + residual) and the fused attention. "per image" extrapolates
 * to the 12 layers plus the patch embedding (a 196×768·768×768 GEMM), i.e. everything but the tiny head.
 * Median of several runs after warm-up; prints one JSON object (and writes it to --out FILE).
 *
 * Add --relaxed-simd to use the relaxed-simd FMA kernel on Node 20 (it sets the V8 flag).
 * Build and run: npx tsc -b benchmarks && node benchmarks/dist/wasm-vit-layer.js [--iters 9] [--threads 1,2] [--out f.json]
 */
import { availableParallelism, cpus } from 'node:os';
import type { AttentionIO } from '@purevit/core';
// Not re-exported from @purevit/core's entry point yet: import the built modules directly.
import { enableRelaxedSimd, parallelAttentionFusedSync, parallelGemmSync, parallelLayerNormSync, WorkerPool } from '../../packages/core/dist/parallel/index.js';
import { attentionFusedWasm, WasmBackend, WasmHeap, type GemmOptions, type PackedMatrix, relaxedSimdSupported } from '../../packages/core/dist/wasm/index.js';
import { arg, fillRandom, report, round, time } from './stats.js';


async function main(): Promise<void> {
  // Node 20 has relaxed-simd (the FMA kernel) only behind a V8 flag: --relaxed-simd sets it.
  if (process.argv.includes('--relaxed-simd')) await enableRelaxedSimd();
  const iterations = Number(arg('iters') ?? 9);
  const warmup = Number(arg('warmup') ?? 3);
  const threadCounts = (arg('threads') ?? '1,2').split(',').map(Number);
  const heap = new WasmHeap();
  const be = WasmBackend.createSync({ heap });
  let seed = 1;
  const random = (n: number, amplitude: number): Float32Array => {
    const a = heap.allocFloat32(n);
    seed = fillRandom(a, seed, amplitude);
    return a;
  };
  const D = 768, H = 12, F = 3072;
  const linearLayer = (outF: number, inF: number): { w: PackedMatrix; b: Float32Array } => {
    const weight = random(outF * inF, 2 / Math.sqrt(inF));
    const w = be.packWeight(weight, outF, inF);
    heap.freeArray(weight);
    return { w, b: random(outF, 0.1) };
  };
  const qkv = linearLayer(3 * D, D), proj = linearLayer(D, D), fc1 = linearLayer(F, D), fc2 = linearLayer(D, F), embed = linearLayer(D, D);
  const ln1w = random(D, 1), ln1b = random(D, 0.1), ln2w = random(D, 1), ln2b = random(D, 0.1);

  const results: Array<Record<string, number | string>> = [];
  for (const threads of threadCounts) {
    const pool = threads > 1 ? await WorkerPool.create(be, { threads }) : null;
    const gemm = (a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, o: GemmOptions): void =>
      pool ? parallelGemmSync(pool, a, m, b, c, o) : be.gemm(a, m, b, c, o);
    const layerNorm = (x: Float32Array, rows: number, w: Float32Array, b: Float32Array, out: Float32Array): void =>
      pool ? parallelLayerNormSync(pool, x, rows, D, w, b, 1e-12, out) : be.layerNorm(x, rows, D, w, b, 1e-12, out);
    for (const batch of [1, 8]) {
      const T = 197, rows = batch * T;
      const x = random(rows * D, 2), ln = heap.allocFloat32(rows * D), qkvOut = heap.allocFloat32(rows * 3 * D);
      const ctx = heap.allocFloat32(rows * D), h = heap.allocFloat32(rows * D), mid = heap.allocFloat32(rows * F), y = heap.allocFloat32(rows * D);
      const patches = random(batch * 196 * D, 1), tokens = heap.allocFloat32(batch * 196 * D);
      const io: AttentionIO = {
        q: qkvOut, qOffset: 0, qRowStride: 3 * D, k: qkvOut, kOffset: D, kRowStride: 3 * D,
        v: qkvOut, vOffset: 2 * D, vRowStride: 3 * D, out: ctx, outRowStride: D,
      };
      const shape = { batch, heads: H, queryLen: T, keyLen: T, headDim: D / H };
      const layer = (): void => {
        layerNorm(x, rows, ln1w, ln1b, ln);
        gemm(ln, rows, qkv.w, qkvOut, { bias: qkv.b });
        if (pool) parallelAttentionFusedSync(pool, io, shape);
        else attentionFusedWasm(be, io, shape);
        gemm(ctx, rows, proj.w, h, { bias: proj.b, residual: x });
        layerNorm(h, rows, ln2w, ln2b, ln);
        gemm(ln, rows, fc1.w, mid, { bias: fc1.b, activation: 'geluErf' });
        gemm(mid, rows, fc2.w, y, { bias: fc2.b, residual: h });
      };
      const patchEmbed = (): void => gemm(patches, batch * 196, embed.w, tokens, { bias: embed.b });
      const layerMs = time(layer, warmup, iterations).median;
      const embedMs = time(patchEmbed, warmup, iterations).median;
      const perImage = (12 * layerMs + embedMs) / batch;
      const r = {
        kernel: 'wasm-vit-b16-layer', threads, batch, warmup, iterations,
        layer_ms: round(layerMs), patch_embed_ms: round(embedMs),
        ms_per_image: round(perImage), images_per_s: round(1000 / perImage),
        gflops: round((35.1 * batch) / ((12 * layerMs + embedMs) / 1e3)),
      };
      results.push(r);
      process.stderr.write(`threads=${threads} batch=${batch}: layer ${r.layer_ms} ms, ≈ ${r.ms_per_image} ms per image (${r.images_per_s} img/s)\n`);
      for (const a of [x, ln, qkvOut, ctx, h, mid, y, patches, tokens]) heap.freeArray(a);
    }
    await pool?.terminate();
  }
  report({ benchmark: 'wasm-vit-layer', model: 'vit-b16 (random weights)', node: process.version, relaxed_simd: relaxedSimdSupported(), tiling: be.tiling, cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), results });
}

await main();
