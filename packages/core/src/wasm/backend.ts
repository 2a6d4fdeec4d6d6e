/**
 * The WebAssembly SIMD backend on one thread: the emitted kernel module instantiated over a `WasmHeap`,
 * and typed wrappers taking plain Float32Arrays. An array that lives in the heap is used in place; any
 * other is staged (copied in, and out for outputs) through temporary heap blocks, so every call is
 * correct and the fast path is a matter of where callers allocate (see WasmHeap.allocFloat32).
 */

import { activationId, GEMM_ACCUMULATE, type GemmTiling } from './emit-gemm.js';
import { WASM_ACTIVATIONS, type WasmActivation } from './emit-math.js';
import { WasmHeap } from './heap.js';
import { emitKernelModule, MEMORY_IMPORT, preferredTiling, type KernelExports } from './kernel-module.js';
import { packedLength, packInto, packTransposedInto } from './packing.js';

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

export interface WasmBackendOptions {
  heap?: WasmHeap;
  /** Default: `preferredTiling()` (the relaxed-simd FMA kernel where the engine has it). */
  tiling?: GemmTiling;
}

export class WasmBackend {
  readonly heap: WasmHeap;
  readonly tiling: GemmTiling;
  /** The compiled kernel module (workers instantiate it over the same memory). */
  readonly module: WebAssembly.Module;
  readonly kernels: KernelExports;
  /** mr × nr floats of tile scratch for calls made on this thread. */
  readonly scratch: number;

  private constructor(heap: WasmHeap, tiling: GemmTiling, module: WebAssembly.Module) {
    this.heap = heap;
    this.tiling = tiling;
    this.module = module;
    const instance = new WebAssembly.Instance(module, { [MEMORY_IMPORT.module]: { [MEMORY_IMPORT.name]: heap.memory } });
    this.kernels = instance.exports as unknown as KernelExports;
    this.scratch = heap.alloc(tiling.mr * tiling.nr * 4);
  }

  /** Compiles the kernel module asynchronously (works everywhere, browsers' main thread included). */
  static async create(options: WasmBackendOptions = {}): Promise<WasmBackend> {
    const heap = options.heap ?? new WasmHeap();
    const tiling = options.tiling ?? preferredTiling();
    const bytes = emitKernelModule({ shared: heap.shared, tiling });
    const module = await WebAssembly.compile(bytes);
    return new WasmBackend(heap, tiling, module);
  }

  /** Instantiates an already compiled kernel module (compiled for `tiling` and this heap's memory kind) over `heap`. */
  static fromModule(heap: WasmHeap, tiling: GemmTiling, module: WebAssembly.Module): WasmBackend {
    return new WasmBackend(heap, tiling, module);
  }

  /** Compiles synchronously: Node and workers (browsers refuse synchronous compiles over 4 KB on the main thread). */
  static createSync(options: WasmBackendOptions = {}): WasmBackend {
    const heap = options.heap ?? new WasmHeap();
    const tiling = options.tiling ?? preferredTiling();
    const module = new WebAssembly.Module(emitKernelModule({ shared: heap.shared, tiling }));
    return new WasmBackend(heap, tiling, module);
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
      if (epilogue) this.kernels.epilogue(cs.ptr, cs.ld, m, n, bias?.ptr ?? 0, res?.ptr ?? 0, res?.ld ?? 0, activationId(act));
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
    this.kernels.gemm(
      call.a, call.lda, call.b, call.k, call.c, call.ldc, rowStart, rowEnd, panelStart, panelEnd, call.n,
      call.flags, call.bias, call.res, call.ldr, scratch,
    );
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
      this.kernels.epilogue(o.ptr, x.length, 1, x.length, 0, 0, 0, activationId(act));
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
      this.kernels.layer_norm(xs.ptr, rows, dim, w, b, eps, o.ptr);
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
      this.kernels.softmax(xs.ptr, rows, cols, o.ptr);
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
