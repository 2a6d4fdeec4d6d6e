/**
 * The compute engine: where a model's weights and activations live and which kernels run on them.
 * Two backends implement it: 'wasm' (the WebAssembly SIMD kernels over one heap, split over a worker pool
 * where memory can be shared) and 'js' (the plain TypeScript kernels, the reference fast path, on this
 * thread). Models take an engine at load (`{ engine }`) and `await` its kernels in their forward, so the
 * same model code runs on either backend, in Node and in browsers (where the async kernels never block
 * the page).
 *
 * Memory: an `Arena` is one model's share of the engine's memory (packed weights, parameters, run state),
 * freed together by `arena.dispose()`. Kernels accept any Float32Array; arrays that live in the engine's
 * memory (allocated through an arena) are used in place, others are copied in and out.
 */

import type { ActivationName } from '../kernels/activation-name.js';
import type { AttentionEagerOptions, AttentionIO, AttentionShape } from '../kernels/attention-io.js';
import type { Conv2dOptions } from '../kernels/output-shapes.js';

export type BackendName = 'wasm' | 'js';

/** The backend names, preferred first. */
export const BACKEND_NAMES: readonly BackendName[] = ['wasm', 'js'];

export interface EngineOptions {
  /** Default: 'wasm' where WebAssembly SIMD validates, else 'js'. */
  backend?: BackendName;
  /**
   * Threads, the calling one included. Default: every hardware thread where memory can be shared with
   * workers (Node, cross-origin isolated pages), else 1. The 'js' backend always runs on one thread.
   */
  threads?: number;
  /**
   * Use the relaxed-SIMD FMA GEMM ('wasm' only). Default: wherever this JS engine validates relaxed SIMD
   * (Chromium, Node ≥ 22, Deno, Bun; Node 20 too: createEngine sets V8's flag first unless this is `false`).
   * Results with and without FMA differ by float32 rounding only. `true` where it does not validate is an error.
   */
  relaxedSimd?: boolean;
}

export interface EngineDescription {
  backend: BackendName;
  /** The WASM GEMM: 'relaxed' (FMA), 'plain' (SIMD128 mul + add); null for 'js'. */
  simd: 'relaxed' | 'plain' | null;
  /** Threads the kernels actually use (calling thread + workers). */
  threads: number;
  /** Whether the engine's memory is shared with workers (SharedArrayBuffer). */
  sharedMemory: boolean;
}

/** What a linear kernel does after the product: `+ bias` (always, when prepared with one), the activation, then `+ residual`. */
export interface LinearOptions {
  activation?: ActivationName;
  /** [rows, outFeatures] (row stride `ldr`); may be `out` itself. */
  residual?: Float32Array | null;
  /** Row strides in elements (default inFeatures for x, outFeatures for out and residual). */
  ldx?: number;
  ldo?: number;
  ldr?: number;
}

/** A linear layer's weight, packed once by an arena for its engine's GEMM. */
export interface PreparedLinear {
  readonly kind: 'linear';
  readonly outFeatures: number;
  readonly inFeatures: number;
}

/** A conv2d's weight, reordered to channels-last ([out, kh, kw, in / groups] per group) and packed. */
export interface PreparedConv2d {
  readonly kind: 'conv2d';
  readonly outChannels: number;
  readonly inChannels: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/** A patch embedding (conv with kernel = stride = patch, no padding) as one packed linear over patches. */
export interface PreparedPatchEmbed {
  readonly kind: 'patchEmbed';
  readonly dim: number;
  readonly channels: number;
  readonly patch: readonly [number, number];
}

export interface ArenaOptions {
  /**
   * About how many bytes the arena will hold (weights + run state). An unshared WASM heap cannot grow, so
   * the engine makes sure this much is free (a heap of its own for the arena if needed); elsewhere a hint.
   */
  bytes?: number;
}

/** One model's share of engine memory: everything allocated here is freed by `dispose()`. */
export interface Arena {
  readonly engine: Engine;
  /** `length` zeroed floats in engine memory. Throws HeapExhaustedError when an unshared heap is full. */
  alloc(length: number): Float32Array;
  /** Like `alloc`, or null when the memory cannot hold it (so callers can fall back to smaller batches). */
  tryAlloc(length: number): Float32Array | null;
  /** A copy of `values` in engine memory (parameters such as LayerNorm weights). */
  copy(values: Float32Array): Float32Array;
  /** Frees an array from `alloc` / `copy` before the arena is disposed. */
  free(array: Float32Array): void;
  /** Packs a torch-layout weight [outFeatures, inFeatures] and its bias. The inputs are not kept. */
  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): PreparedLinear;
  /** Packs a torch conv weight [out, in / groups, kh, kw] (and bias [out]) for `conv2dNhwc`. */
  prepareConv2d(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options?: Conv2dOptions): PreparedConv2d;
  /** Packs a patch-embedding conv weight [dim, channels, ph, pw] (and bias [dim]). */
  preparePatchEmbed(weight: Float32Array, bias: Float32Array | null, dim: number, channels: number, patch: readonly [number, number]): PreparedPatchEmbed;
  /** Bytes of engine memory the arena holds now. */
  readonly bytes: number;
  /** Frees everything the arena holds; its arrays and prepared weights must not be used afterwards. */
  dispose(): void;
}

export interface PatchEmbedOptions {
  /** Token (b, p) goes to out[(b·tokenStride + tokenOffset + p)·dim …] (room for prefix tokens). Default gh·gw and 0. */
  tokenStride?: number;
  tokenOffset?: number;
  /** [batch·gh·gw, channels·ph·pw] floats of engine memory for the gathered patches (else a temporary block). */
  scratch?: Float32Array;
}

export interface Conv2dNhwcOptions {
  activation?: ActivationName;
  /** [n, oh, ow, out] added after the activation (may be `out` itself). */
  residual?: Float32Array | null;
  /** im2row rows (`im2rowLength` floats) in engine memory (else a temporary block; pointwise convs need none). */
  scratch?: Float32Array;
}

/**
 * The kernels, all asynchronous (a browser page awaits its workers; Node may block on them inside).
 * Shapes and semantics are those of core's synchronous kernels (docs/ARCHITECTURE.md).
 */
export interface Engine {
  readonly backend: BackendName;
  describe(): EngineDescription;
  createArena(options?: ArenaOptions): Arena;

  /** out[rows, out] = x[rows, in] · Wᵀ + b, then the activation, then `+ residual`. `out` must not overlap `x`. */
  linear(x: Float32Array, rows: number, layer: PreparedLinear, out: Float32Array, options?: LinearOptions): Promise<void>;
  /** Affine layer norm over the last axis (weight / bias may be null; out may be x). */
  layerNorm(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): Promise<void>;
  /** Softmax over the last axis (out may be x). */
  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): Promise<void>;
  /** out = act(x) elementwise for any supported activation name (out may be x). */
  activation(name: string, x: Float32Array, out: Float32Array): Promise<void>;
  /** softmax(q·kᵀ·scale)·v with an online softmax: memory linear in the sequence (no queryLen × keyLen buffer). */
  attentionFused(io: AttentionIO, shape: AttentionShape): Promise<void>;
  /** The same with the probabilities materialised (head mask, returned `probs`). */
  attentionEager(io: AttentionIO, shape: AttentionShape, options?: AttentionEagerOptions): Promise<void>;
  /** Pixels [n, c, h, w] → tokens, token-major (see PatchEmbedOptions). */
  patchEmbed(pixels: Float32Array, shape: readonly number[], embed: PreparedPatchEmbed, out: Float32Array, options?: PatchEmbedOptions): Promise<void>;
  /** Channels-last conv: x [n, h, w, c] → out [n, oh, ow, o], + bias, activation, + residual (see conv2dNhwcOutputShape). */
  conv2dNhwc(x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array, options?: Conv2dNhwcOptions): Promise<void>;
  /** NCHW conv (torch layout), through conv2dNhwc: x [n, c, h, w] → out [n, o, oh, ow]. */
  conv2d(x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array): Promise<void>;

  /** Stops the workers and frees the engine's memory; arenas and prepared weights become unusable. */
  dispose(): Promise<void>;
}
