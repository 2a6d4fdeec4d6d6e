/**
 * The fast backend behind one small interface: a heap, the WASM kernels and (where shared memory allows)
 * a worker pool, with each kernel in a synchronous form (for core's synchronous kernel signatures) and an
 * asynchronous one (which never blocks a browser page). Synchronous calls use the pool when this thread
 * may block (Node, workers) and run on this thread otherwise; work too small to pay for waking a worker
 * stays on this thread too. Every path gives bit-identical results.
 */

import type { AttentionEagerOptions, AttentionIO, AttentionShape } from '../kernels/attention-io.js';
import { attentionEagerWasm, attentionFusedWasm } from '../wasm/attention.js';
import { WasmBackend, type GemmOptions, type PackedMatrix } from '../wasm/backend.js';
import type { GemmTiling } from '../wasm/emit-gemm.js';
import type { WasmActivation } from '../wasm/emit-math.js';
import { WasmHeap, type WasmHeapOptions } from '../wasm/heap.js';
import { parallelAttentionEager, parallelAttentionEagerSync, parallelAttentionFused, parallelAttentionFusedSync } from './parallel-attention.js';
import { parallelGemm, parallelGemmSync } from './parallel-gemm.js';
import {
  parallelActivation, parallelActivationSync, parallelLayerNorm, parallelLayerNormSync, parallelSoftmax, parallelSoftmaxSync,
} from './parallel-rows.js';
import { WorkerPool } from './worker-pool.js';

export interface FastKernelsOptions {
  /** Lanes including the calling thread (default: hardware concurrency; 1 = no workers). */
  threads?: number;
  /** An existing heap, or options for a new one. */
  heap?: WasmHeap | WasmHeapOptions;
  tiling?: GemmTiling;
  /** An existing backend (its heap and compiled module); `heap` and `tiling` are then ignored. */
  backend?: WasmBackend;
}

/** Below this many multiply-adds a GEMM runs on the calling thread. */
const MIN_PARALLEL_GEMM = 1 << 16;

export class FastKernels {
  readonly backend: WasmBackend;
  /** Null when there are no workers (threads = 1, or no shared memory). */
  readonly pool: WorkerPool | null;

  private constructor(backend: WasmBackend, pool: WorkerPool | null) {
    this.backend = backend;
    this.pool = pool;
  }

  static async create(options: FastKernelsOptions = {}): Promise<FastKernels> {
    let backend = options.backend;
    if (!backend) {
      const heap = options.heap instanceof WasmHeap ? options.heap : new WasmHeap(options.heap);
      backend = await WasmBackend.create({ heap, tiling: options.tiling });
    }
    const pool = await WorkerPool.create(backend, { threads: options.threads });
    if (pool.threads === 1) {
      await pool.terminate();
      return new FastKernels(backend, null);
    }
    return new FastKernels(backend, pool);
  }

  /** This thread only, over an existing backend (no workers). */
  static fromBackend(backend: WasmBackend): FastKernels {
    return new FastKernels(backend, null);
  }

  get heap(): WasmHeap {
    return this.backend.heap;
  }

  /** Lanes used by the synchronous methods on this thread. */
  get threads(): number {
    return this.pool && this.pool.canBlock ? this.pool.threads : 1;
  }

  packWeight(weight: Float32Array, outFeatures: number, inFeatures: number): PackedMatrix {
    return this.backend.packWeight(weight, outFeatures, inFeatures);
  }

  packMatrix(b: Float32Array, k: number, n: number, ldb?: number): PackedMatrix {
    return this.backend.packMatrix(b, k, n, ldb);
  }

  /** C[m, n] (+)= A[m, k] · B, then + bias, activation, + residual. */
  gemm(a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, options?: GemmOptions): void {
    const pool = this.blockingPool(m * b.k * b.n);
    if (pool) parallelGemmSync(pool, a, m, b, c, options);
    else this.backend.gemm(a, m, b, c, options);
  }

  async gemmAsync(a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, options?: GemmOptions): Promise<void> {
    if (this.pool && m * b.k * b.n >= MIN_PARALLEL_GEMM) await parallelGemm(this.pool, a, m, b, c, options);
    else this.backend.gemm(a, m, b, c, options);
  }

  layerNorm(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): void {
    const pool = this.blockingPool(Infinity);
    if (pool) parallelLayerNormSync(pool, x, rows, dim, weight, bias, eps, out);
    else this.backend.layerNorm(x, rows, dim, weight, bias, eps, out);
  }

  async layerNormAsync(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): Promise<void> {
    if (this.pool) await parallelLayerNorm(this.pool, x, rows, dim, weight, bias, eps, out);
    else this.backend.layerNorm(x, rows, dim, weight, bias, eps, out);
  }

  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    const pool = this.blockingPool(Infinity);
    if (pool) parallelSoftmaxSync(pool, x, rows, cols, out);
    else this.backend.softmax(x, rows, cols, out);
  }

  async softmaxAsync(x: Float32Array, rows: number, cols: number, out: Float32Array): Promise<void> {
    if (this.pool) await parallelSoftmax(this.pool, x, rows, cols, out);
    else this.backend.softmax(x, rows, cols, out);
  }

  activation(act: WasmActivation, x: Float32Array, out: Float32Array): void {
    const pool = this.blockingPool(Infinity);
    if (pool) parallelActivationSync(pool, act, x, out);
    else this.backend.activation(act, x, out);
  }

  async activationAsync(act: WasmActivation, x: Float32Array, out: Float32Array): Promise<void> {
    if (this.pool) await parallelActivation(this.pool, act, x, out);
    else this.backend.activation(act, x, out);
  }

  /** Fused attention (online softmax; memory linear in the sequence), heads split over lanes. */
  attentionFused(io: AttentionIO, shape: AttentionShape, keyBlock?: number): void {
    const pool = this.blockingPool(Infinity);
    if (pool) parallelAttentionFusedSync(pool, io, shape, keyBlock);
    else attentionFusedWasm(this.backend, io, shape, keyBlock);
  }

  async attentionFusedAsync(io: AttentionIO, shape: AttentionShape, keyBlock?: number): Promise<void> {
    if (this.pool) await parallelAttentionFused(this.pool, io, shape, keyBlock);
    else attentionFusedWasm(this.backend, io, shape, keyBlock);
  }

  /** Eager attention (probabilities materialised per head: head mask, `probs`), heads split over lanes. */
  attentionEager(io: AttentionIO, shape: AttentionShape, options?: AttentionEagerOptions): void {
    const pool = this.blockingPool(Infinity);
    if (pool) parallelAttentionEagerSync(pool, io, shape, options);
    else attentionEagerWasm(this.backend, io, shape, options);
  }

  async attentionEagerAsync(io: AttentionIO, shape: AttentionShape, options?: AttentionEagerOptions): Promise<void> {
    if (this.pool) await parallelAttentionEager(this.pool, io, shape, options);
    else attentionEagerWasm(this.backend, io, shape, options);
  }

  /** Stops the workers (the kernels still work, on this thread). */
  async dispose(): Promise<void> {
    await this.pool?.terminate();
    (this as { pool: WorkerPool | null }).pool = null;
  }

  private blockingPool(work: number): WorkerPool | null {
    return this.pool && this.pool.canBlock && work >= MIN_PARALLEL_GEMM ? this.pool : null;
  }
}
