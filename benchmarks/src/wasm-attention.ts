/**
 * Attention on the WASM backend, eager (materialised probabilities) vs fused (online softmax over key
 * blocks), against @purevit/core's plain-TS kernels, for ViT-B heads (12 × 64) at 197, 577 and 1025 tokens
 * (224, 384 and 512 px at patch 16) on a fused qkv layout; the fused kernel also over a 2-lane worker pool
 * (heads split across lanes). Median of several runs after warm-up; prints one JSON object (and writes it to
 * --out FILE).
 *
 * Add --relaxed-simd to use the relaxed-simd FMA kernel on Node 20 (it sets the V8 flag).
 * Build and run: npx tsc -b benchmarks && node benchmarks/dist/wasm-attention.js [--iters 9] [--no-js] [--out f.json]
 */
import { cpus } from 'node:os';
import { attentionEager, attentionFused, type AttentionIO, type AttentionShape } from '@purevit/core';
// Not re-exported from @purevit/core's entry point yet: import the built module directly.
import { enableRelaxedSimd, parallelAttentionFusedSync, WorkerPool } from '../../packages/core/dist/parallel/index.js';
import { attentionEagerWasm, attentionFusedWasm, WasmBackend, WasmHeap, relaxedSimdSupported } from '../../packages/core/dist/wasm/index.js';
import { arg, fillRandom, report, time } from './stats.js';


async function main(): Promise<void> {
  // Node 20 has relaxed-simd (the FMA kernel) only behind a V8 flag: --relaxed-simd sets it.
  if (process.argv.includes('--relaxed-simd')) await enableRelaxedSimd();
  const iterations = Number(arg('iters') ?? 9);
  const warmup = Number(arg('warmup') ?? 3);
  const withJs = !process.argv.includes('--no-js');
  const heap = new WasmHeap();
  const be = WasmBackend.createSync({ heap });
  const pool = await WorkerPool.create(be, { threads: 2 });
  const results: Array<Record<string, number | string>> = [];
  for (const tokens of [197, 577, 1025]) {
    const shape: AttentionShape = { batch: 1, heads: 12, queryLen: tokens, keyLen: tokens, headDim: 64 };
    const width = 768;
    const qkv = heap.allocFloat32(tokens * 3 * width);
    fillRandom(qkv, 1, 4);
    const io: AttentionIO = {
      q: qkv, qOffset: 0, qRowStride: 3 * width, k: qkv, kOffset: width, kRowStride: 3 * width,
      v: qkv, vOffset: 2 * width, vRowStride: 3 * width, out: heap.allocFloat32(tokens * width), outRowStride: width,
    };
    const gflop = (4 * 12 * tokens * tokens * 64) / 1e9;
    const kernels: Array<[string, () => void]> = [
      ['wasm-eager', () => attentionEagerWasm(be, io, shape)],
      ['wasm-fused', () => attentionFusedWasm(be, io, shape)],
      ['wasm-fused-2threads', () => parallelAttentionFusedSync(pool, io, shape)],
    ];
    if (withJs) kernels.push(['js-eager', () => attentionEager(io, shape)], ['js-fused', () => attentionFused(io, shape)]);
    for (const [kernel, run] of kernels) {
      const slow = kernel.startsWith('js');
      const t = time(run, slow ? 1 : warmup, slow ? 3 : iterations);
      const r = { kernel, tokens, heads: 12, head_dim: 64, gflop_per_call: gflop, ms_median: t.median, ms_min: t.min, gflops: gflop / (t.median / 1e3) };
      results.push(r);
      process.stderr.write(`${kernel} tokens=${tokens}: ${t.median.toFixed(2)} ms, ${r.gflops.toFixed(1)} GFLOP/s\n`);
    }
    heap.freeArray(qkv);
    heap.freeArray(io.out);
  }
  await pool.terminate();
  report({ benchmark: 'wasm-attention', node: process.version, relaxed_simd: relaxedSimdSupported(), cpu: cpus()[0]?.model ?? 'unknown', results });
}

await main();
