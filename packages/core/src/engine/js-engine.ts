/**
 * The 'js' backend: core's plain TypeScript kernels (packed, register-tiled GEMM with fused epilogues;
 * single-pass layer norm and softmax; tiled online-softmax attention) on the calling thread. It needs no
 * WebAssembly and no shared memory, and it is what every fast path is compared against.
 */

import { activationKind } from '../kernels/activation-name.js';
import { applyActivation } from '../kernels/activations.js';
import { attentionEager, attentionFused } from '../kernels/attention.js';
import type { AttentionEagerOptions, AttentionIO, AttentionShape } from '../kernels/attention-io.js';
import { layerNorm } from '../kernels/layer-norm.js';
import { linearStrided, prepareLinear, type LinearLayer } from '../kernels/linear.js';
import type { Conv2dOptions } from '../kernels/output-shapes.js';
import { softmax } from '../kernels/softmax.js';
import { sharedMemoryAvailable } from '../storage.js';
import { conv2dNchw, conv2dNhwc, patchEmbed, prepareGroupedConv, preparePatchLinear, type CompositeHost } from './composite.js';
import type {
  Arena, Conv2dNhwcOptions, Engine, EngineDescription, LinearOptions, PatchEmbedOptions, PreparedConv2d, PreparedLinear, PreparedPatchEmbed,
} from './engine.js';

class JsLinear implements PreparedLinear {
  readonly kind = 'linear';
  /** Set when its arena is disposed. */
  released = false;
  constructor(readonly layer: LinearLayer) {}

  get outFeatures(): number {
    return this.layer.outFeatures;
  }

  get inFeatures(): number {
    return this.layer.inFeatures;
  }
}

class JsArena implements Arena {
  private held = 0;
  private disposed = false;
  private readonly linears: JsLinear[] = [];

  constructor(readonly engine: JsEngine) {}

  get bytes(): number {
    return this.held;
  }

  alloc(length: number): Float32Array {
    this.check();
    this.held += length * 4;
    return new Float32Array(length);
  }

  tryAlloc(length: number): Float32Array | null {
    return this.alloc(length);
  }

  copy(values: Float32Array): Float32Array {
    const out = this.alloc(values.length);
    out.set(values);
    return out;
  }

  free(array: Float32Array): void {
    this.held = Math.max(0, this.held - array.length * 4);
  }

  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): PreparedLinear {
    this.check();
    const layer = prepareLinear(weight, bias, outFeatures, inFeatures);
    this.held += (layer.packed.length + (layer.bias?.length ?? 0)) * 4;
    const linear = new JsLinear(layer);
    this.linears.push(linear);
    return linear;
  }

  prepareConv2d(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options?: Conv2dOptions): PreparedConv2d {
    return prepareGroupedConv((w, b, o, i) => this.prepareLinear(w, b, o, i), weight, wShape, bias, options);
  }

  preparePatchEmbed(weight: Float32Array, bias: Float32Array | null, dim: number, channels: number, patch: readonly [number, number]): PreparedPatchEmbed {
    return preparePatchLinear((w, b, o, i) => this.prepareLinear(w, b, o, i), weight, bias, dim, channels, patch);
  }

  dispose(): void {
    this.disposed = true;
    this.held = 0;
    for (const l of this.linears) l.released = true;
    this.linears.length = 0;
  }

  private check(): void {
    if (this.disposed) throw new Error('Arena: disposed');
  }
}

export class JsEngine implements Engine, CompositeHost {
  readonly backend = 'js';

  describe(): EngineDescription {
    return { backend: 'js', simd: null, threads: 1, sharedMemory: sharedMemoryAvailable() };
  }

  createArena(): Arena {
    return new JsArena(this);
  }

  async linear(x: Float32Array, rows: number, layer: PreparedLinear, out: Float32Array, options: LinearOptions = {}): Promise<void> {
    if (!(layer instanceof JsLinear)) throw new TypeError('linear: the layer was prepared by another engine');
    if (layer.released) throw new Error('linear: the layer was freed (its arena is disposed)');
    linearStrided(x, rows, layer.layer, out, { ...options, residual: options.residual ?? undefined });
  }

  async layerNorm(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): Promise<void> {
    layerNorm(x, rows, dim, weight, bias, eps, out);
  }

  async softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): Promise<void> {
    softmax(x, rows, cols, out);
  }

  async activation(name: string, x: Float32Array, out: Float32Array): Promise<void> {
    activationKind(name);
    applyActivation(name, x, out);
  }

  async attentionFused(io: AttentionIO, shape: AttentionShape): Promise<void> {
    attentionFused(io, shape);
  }

  async attentionEager(io: AttentionIO, shape: AttentionShape, options?: AttentionEagerOptions): Promise<void> {
    attentionEager(io, shape, options);
  }

  patchEmbed(pixels: Float32Array, shape: readonly number[], embed: PreparedPatchEmbed, out: Float32Array, options?: PatchEmbedOptions): Promise<void> {
    return patchEmbed(this, pixels, shape, embed, out, options);
  }

  conv2dNhwc(x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array, options?: Conv2dNhwcOptions): Promise<void> {
    return conv2dNhwc(this, x, xShape, conv, out, options);
  }

  conv2d(x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array): Promise<void> {
    return conv2dNchw(this, x, xShape, conv, out);
  }

  temp(length: number): Float32Array {
    return new Float32Array(length);
  }

  releaseTemp(): void {}

  async dispose(): Promise<void> {}
}
