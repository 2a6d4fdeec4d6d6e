/**
 * Test access to the emitted kernels below the engine: the kernel module instantiated over a heap for any
 * tiling (small ones make tiny shapes cross k-blocks, row blocks and partial panels), with typed wrappers
 * over its exports that take plain Float32Arrays (arrays outside the heap are staged through it).
 */

import { activationId, GEMM_ACCUMULATE, type GemmTiling } from '../../src/backends/wasm/emit-gemm.js';
import { WASM_ACTIVATIONS, type WasmActivation } from '../../src/backends/wasm/emit-math.js';
import { WasmHeap } from '../../src/backends/wasm/heap.js';
import { KernelInstance } from '../../src/backends/wasm/instance.js';
import { emitKernelModule, preferredTiling } from '../../src/backends/wasm/kernel-module.js';
import { planAttention, type AttentionMode } from '../../src/backends/wasm/kernels/attention.js';
import { packedLength, packInto, packTransposedInto } from '../../src/backends/wasm/packing.js';
import { execute, type PlanContext } from '../../src/backends/wasm/plan.js';
import type { WasmArray } from '../../src/backends/wasm/wasm-array.js';
import type { AttentionEagerArgs } from '../../src/ops/attention-eager.js';

/** B[k, n] packed into panels of `nr` columns for the GEMM; `data` lives in the backend's heap. */
export interface PackedMatrix {
  readonly k: number;
  readonly n: number;
  readonly nr: number;
  readonly data: Float32Array; // [⌈n/nr⌉, k, nr]
}

export interface GemmOptions {
  /** Row stride of A in elements (default k). */
  lda?: number;
  /** Row stride of C in elements (default n). */
  ldc?: number;
  /** Add into C instead of overwriting it. */
  accumulate?: boolean;
  /** [n], added to every row. */
  bias?: Float32Array | null;
  /** Applied after the bias. */
  activation?: WasmActivation;
  /** [m, n] (row stride `ldr`, default n), added last. */
  residual?: Float32Array | null;
  ldr?: number;
}

/** A GEMM with all its operands resolved to heap pointers: what a thread needs to compute a part of it. */
export interface GemmCall {
  a: number; lda: number; b: number; k: number; c: number; ldc: number;
  m: number; n: number; panels: number; flags: number; bias: number; res: number; ldr: number;
}

/** The activations the WASM epilogue runs, by the names of core's `ActivationKind`. */
export function isWasmActivation(kind: string): kind is WasmActivation {
  return (WASM_ACTIVATIONS as readonly string[]).includes(kind);
}

export interface TestKernelsOptions {
  heap?: WasmHeap;
  /** Default: `preferredTiling()` (the relaxed-simd FMA kernel where the engine has it). */
  tiling?: GemmTiling;
}

export class TestKernels {
  readonly heap: WasmHeap;
  readonly tiling: GemmTiling;
  readonly instance: KernelInstance;

  private constructor(instance: KernelInstance) {
    this.instance = instance;
    this.heap = instance.heap;
    this.tiling = instance.tiling;
  }

  /** Wrappers over an existing instance (a pool's, say). */
  static wrap(instance: KernelInstance): TestKernels {
    return new TestKernels(instance);
  }

  static create(options: TestKernelsOptions = {}): TestKernels {
    const heap = options.heap ?? new WasmHeap();
    const tiling = options.tiling ?? preferredTiling();
    const module = new WebAssembly.Module(emitKernelModule({ shared: heap.shared, tiling }));
    return new TestKernels(new KernelInstance(heap, tiling, module));
  }

  get module(): WebAssembly.Module {
    return this.instance.module;
  }

  get scratch(): number {
    return this.instance.scratch;
  }

  call(kernel: string, ...args: number[]): void {
    this.instance.call(kernel, args);
  }

  /**
   * Packs a torch-layout weight [outFeatures, inFeatures] (row stride ldw, default inFeatures) as
   * B = weightᵀ [inFeatures, outFeatures]. For attention scores, pass one head of K: B = Kᵀ.
   */
  packWeight(weight: Float32Array, outFeatures: number, inFeatures: number, ldw = inFeatures): PackedMatrix {
    const { nr } = this.tiling;
    const data = this.heap.allocFloat32(packedLength(inFeatures, outFeatures, nr));
    packTransposedInto(weight, outFeatures, inFeatures, nr, data, ldw);
    return { k: inFeatures, n: outFeatures, nr, data };
  }

  /** Packs a row-major B[k, n] (row stride ldb, default n). */
  packMatrix(b: Float32Array, k: number, n: number, ldb = n): PackedMatrix {
    const { nr } = this.tiling;
    const data = this.heap.allocFloat32(packedLength(k, n, nr));
    packInto(b, k, n, nr, data, ldb);
    return { k, n, nr, data };
  }

  /** Returns a packed matrix's memory to the heap. */
  freePacked(packed: PackedMatrix): void {
    this.heap.freeArray(packed.data);
  }

  /** C[m, n] (+)= A[m, k] · B, then the epilogue: + bias, activation, + residual. Synchronous, this thread. */
  gemm(a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, options: GemmOptions = {}): void {
    const staging = new Staging(this.heap);
    try {
      const call = this.prepareGemm(a, m, b, c, options, staging);
      if (call) this.runGemm(call, 0, call.m, 0, call.panels, this.scratch);
      staging.finish();
    } finally {
      staging.release();
    }
  }

  /**
   * Resolves a GEMM's operands to heap pointers, staging those outside the heap into `staging`
   * (its `finish` copies C back). Returns null when there is nothing left to compute (m, n or k is 0).
   */
  prepareGemm(a: Float32Array, m: number, b: PackedMatrix, c: Float32Array, options: GemmOptions, staging: Staging): GemmCall | null {
    const { k, n } = b;
    if (b.nr !== this.tiling.nr) throw new Error(`gemm: B was packed for nr=${b.nr}, this backend uses nr=${this.tiling.nr}`);
    if (this.heap.locate(b.data) === null) throw new Error('gemm: the packed B does not live in this backend\'s heap');
    checkCount('m', m);
    const lda = options.lda ?? k;
    const ldc = options.ldc ?? n;
    const ldr = options.ldr ?? n;
    const act = options.activation ?? 'identity';
    if (!isWasmActivation(act)) throw new Error(`gemm: unsupported activation "${String(act)}"`);
    checkMatrix('A', a, m, k, lda);
    checkMatrix('C', c, m, n, ldc);
    if (options.bias && options.bias.length < n) throw new RangeError(`gemm: bias has ${options.bias.length} values, needs ${n}`);
    if (options.residual) checkMatrix('residual', options.residual, m, n, ldr);
    if (m === 0 || n === 0) return null;

    const cs = staging.output(c, m, n, ldc, options.accumulate === true);
    const bias = options.bias ? staging.input(options.bias, 1, n, n) : null;
    // The residual may be `c` itself (out += residual): C is overwritten before the epilogue reads it, so
    // such a residual is copied first.
    const res = options.residual
      ? staging.input(options.residual, m, n, ldr, overlaps(options.residual, c))
      : null;
    const epilogue = act !== 'identity' || bias !== null || res !== null;
    if (k === 0) {
      // No products: C = accumulate ? C : 0, then the epilogue.
      if (!options.accumulate) for (let i = 0; i < m; i++) this.heap.f32(cs.ptr + i * cs.ld * 4, n).fill(0);
      if (epilogue) this.call('epilogue', cs.ptr, cs.ld, m, n, bias?.ptr ?? 0, res?.ptr ?? 0, res?.ld ?? 0, activationId(act));
      return null;
    }
    const as = staging.input(a, m, k, lda);
    return {
      a: as.ptr, lda: as.ld, b: this.heap.locate(b.data) as number, k, c: cs.ptr, ldc: cs.ld, m, n,
      panels: Math.ceil(n / this.tiling.nr),
      flags: (options.accumulate ? GEMM_ACCUMULATE : 0) | (activationId(act) << 8),
      bias: bias?.ptr ?? 0, res: res?.ptr ?? 0, ldr: res?.ld ?? 0,
    };
  }

  /** Computes rows [rowStart, rowEnd) × panels [panelStart, panelEnd) of a prepared GEMM. */
  runGemm(call: GemmCall, rowStart: number, rowEnd: number, panelStart: number, panelEnd: number, scratch: number): void {
    this.call('gemm', call.a, call.lda, call.b, call.k, call.c, call.ldc, rowStart, rowEnd, panelStart, panelEnd, call.n, call.flags, call.bias, call.res, call.ldr, scratch);
  }

  /** out = act(x) elementwise (out may be x). */
  activation(act: WasmActivation, x: Float32Array, out: Float32Array): void {
    if (!isWasmActivation(act)) throw new Error(`activation: unsupported "${String(act)}"`);
    if (out.length < x.length) throw new RangeError(`activation: out has ${out.length} values, needs ${x.length}`);
    const staging = new Staging(this.heap);
    try {
      const o = staging.output(out, 1, x.length, x.length, false);
      if (o.staged) this.heap.f32(o.ptr, x.length).set(x);
      else if (x !== out) out.set(x);
      this.call('epilogue', o.ptr, x.length, 1, x.length, 0, 0, 0, activationId(act));
      staging.finish();
    } finally {
      staging.release();
    }
  }

  /** Affine layer norm over the last axis (weight / bias may be null; out may be x). */
  layerNorm(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): void {
    checkMatrix('x', x, rows, dim, dim);
    checkMatrix('out', out, rows, dim, dim);
    if (weight && weight.length < dim) throw new RangeError(`layerNorm: weight has ${weight.length} values, needs ${dim}`);
    if (bias && bias.length < dim) throw new RangeError(`layerNorm: bias has ${bias.length} values, needs ${dim}`);
    if (rows === 0 || dim === 0) return;
    const staging = new Staging(this.heap);
    try {
      const xs = staging.input(x, rows, dim, dim);
      const w = weight ? staging.input(weight, 1, dim, dim).ptr : 0;
      const b = bias ? staging.input(bias, 1, dim, dim).ptr : 0;
      const o = out === x ? xs : staging.output(out, rows, dim, dim, false);
      this.call('layer_norm', xs.ptr, dim, o.ptr, dim, rows, 1, dim, w, b, eps);
      if (out === x && xs.staged) out.set(this.heap.f32(xs.ptr, rows * dim));
      staging.finish();
    } finally {
      staging.release();
    }
  }

  /** Softmax over the last axis (out may be x). */
  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
    checkMatrix('x', x, rows, cols, cols);
    checkMatrix('out', out, rows, cols, cols);
    if (rows === 0 || cols === 0) return;
    const staging = new Staging(this.heap);
    try {
      const xs = staging.input(x, rows, cols, cols);
      const o = out === x ? xs : staging.output(out, rows, cols, cols, false);
      this.call('softmax', xs.ptr, rows, cols, o.ptr);
      if (out === x && xs.staged) out.set(this.heap.f32(xs.ptr, rows * cols));
      staging.finish();
    } finally {
      staging.release();
    }
  }
}

interface Placed {
  ptr: number;
  /** Row stride in elements. */
  ld: number;
  staged: boolean;
}

/** Temporary heap copies of operands that live outside the heap, and the copy-back of outputs. */
export class Staging {
  private readonly heap: WasmHeap;
  private readonly blocks: number[] = [];
  private readonly outputs: Array<() => void> = [];

  constructor(heap: WasmHeap) {
    this.heap = heap;
  }

  /** A rows × cols matrix (row stride ld) read by a kernel. */
  input(array: Float32Array, rows: number, cols: number, ld: number, copy = false): Placed {
    const ptr = this.heap.locate(array);
    if (ptr !== null && !copy) return { ptr, ld, staged: false };
    const staged = this.alloc(rows * cols);
    const view = this.heap.f32(staged, rows * cols);
    if (ld === cols) view.set(array.subarray(0, rows * cols));
    else for (let i = 0; i < rows; i++) view.set(array.subarray(i * ld, i * ld + cols), i * cols);
    return { ptr: staged, ld: cols, staged: true };
  }

  /** A rows × cols matrix written by a kernel (read too when `read`); staged copies go back in `finish`. */
  output(array: Float32Array, rows: number, cols: number, ld: number, read: boolean): Placed {
    const ptr = this.heap.locate(array);
    if (ptr !== null) return { ptr, ld, staged: false };
    const placed = read ? this.input(array, rows, cols, ld) : { ptr: this.alloc(rows * cols), ld: cols, staged: true };
    this.outputs.push(() => {
      const view = this.heap.f32(placed.ptr, rows * cols);
      if (ld === cols) array.set(view);
      else for (let i = 0; i < rows; i++) array.set(view.subarray(i * cols, (i + 1) * cols), i * ld);
    });
    return placed;
  }

  /** Copies staged outputs back to their arrays. */
  finish(): void {
    for (const copy of this.outputs) copy();
    this.outputs.length = 0;
  }

  /** Frees the staging blocks. */
  release(): void {
    for (const ptr of this.blocks) this.heap.free(ptr);
    this.blocks.length = 0;
  }

  private alloc(floats: number): number {
    const ptr = this.heap.alloc(floats * 4);
    this.blocks.push(ptr);
    return ptr;
  }
}

/** True when two views share bytes of the same buffer. */
function overlaps(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

function checkCount(name: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`gemm: invalid ${name} = ${v}`);
}

function checkMatrix(name: string, array: Float32Array, rows: number, cols: number, ld: number): void {
  checkCount(`${name} rows`, rows);
  checkCount(`${name} cols`, cols);
  if (!Number.isSafeInteger(ld) || ld < cols) throw new RangeError(`${name}: row stride ${ld} is smaller than ${cols} columns`);
  const needed = rows === 0 ? 0 : (rows - 1) * ld + cols;
  if (array.length < needed) throw new RangeError(`${name} has ${array.length} values, needs ${needed} for [${rows}, ${cols}] with row stride ${ld}`);
}

/** The strided layout the attention tests build: arrays with offsets (any may live outside the heap). */
export interface AttentionIO {
  q: Float32Array; qOffset: number; qRowStride: number;
  k: Float32Array; kOffset: number; kRowStride: number;
  v: Float32Array; vOffset: number; vRowStride: number;
  out: Float32Array; outRowStride: number;
}
export interface AttentionShape { batch: number; heads: number; queryLen: number; keyLen: number; headDim: number; scale?: number }

/** Runs the 'wasm' attention plan on one lane of `be`, staging operands through the heap. */
export function attentionWasm(
  be: TestKernels, mode: AttentionMode, io: AttentionIO, shape: AttentionShape,
  options: { headMask?: Float32Array; probs?: Float32Array; keyBlock?: number; queryBlock?: number } = {},
): void {
  const heap = be.heap;
  const temps: number[] = [];
  const stage = (a: Float32Array, offset = 0): { ptr: number; data: Float32Array } => {
    const located = heap.locate(a);
    if (located !== null) return { ptr: located + offset * 4, data: a.subarray(offset) };
    const ptr = heap.alloc(Math.max(1, a.length) * 4);
    temps.push(ptr);
    const data = heap.f32(ptr, a.length);
    data.set(a);
    return { ptr: ptr + offset * 4, data: data.subarray(offset) };
  };
  const out = stage(io.out);
  const probs = options.probs ? stage(options.probs) : null;
  const args = {
    q: stage(io.q, io.qOffset), ldq: io.qRowStride, k: stage(io.k, io.kOffset), ldk: io.kRowStride, v: stage(io.v, io.vOffset), ldv: io.vRowStride,
    out, ldo: io.outRowStride, ...shape, headMask: options.headMask ? stage(options.headMask) : null, probs,
  } as unknown as AttentionEagerArgs<WasmArray>;
  const ctx: PlanContext = {
    heap, tiling: be.tiling, lanes: 1, scratch: () => be.scratch,
    temp: (floats) => {
      const ptr = heap.alloc(Math.max(1, floats) * 4);
      temps.push(ptr);
      return ptr;
    },
  };
  try {
    const steps = planAttention(mode, args, ctx, options);
    const done = execute(steps, { call: (t) => be.instance.call(t.kernel, t.args), runSync: () => {}, run: async () => {}, canBlock: true });
    if (done) throw new Error('attentionWasm: a one-lane plan must run synchronously');
    if (out.data !== io.out) io.out.set(out.data);
    if (probs && options.probs && probs.data !== options.probs) options.probs.set(probs.data);
  } finally {
    for (const ptr of temps) heap.free(ptr);
  }
}
