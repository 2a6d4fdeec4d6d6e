/**
 * Every implementation of the core kernels, under one interface, so each golden kernel case runs
 * against all of them ("one conformance table for all implementations"): the naive references, and each
 * engine the models run on ('js': the plain TypeScript kernels; 'wasm-1t' / 'wasm': the WebAssembly SIMD
 * kernels on one thread / on every hardware thread; 'wasm-fma': relaxed-SIMD FMA, where it validates).
 * Kernels no engine offers (pooling, interpolation, losses, …) run core's TypeScript functions on every row.
 */

import {
  adaptiveAvgPool2d, adaptiveAvgPool2dReference, attentionReference, batchNorm, batchNormReference, conv2dReference,
  crossEntropy, crossEntropyReference, geluErfReference, geluTanhReference, interpolate, interpolateReference, layerNormReference,
  linearReference, maxPool2d, maxPool2dReference, patchEmbedReference, pixelShuffle, pixelShuffleReference, softmaxReference,
  type AttentionIO, type AttentionShape, type Conv2dOptions, type Engine,
} from '@purevit/core';
import { goldenEngines } from '../engines.js';

type Awaitable = void | Promise<void>;
export type AttentionKernel = (io: AttentionIO, shape: AttentionShape) => Awaitable;

export interface KernelImplementation {
  linear(x: Float32Array, rows: number, weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number, out: Float32Array): Awaitable;
  layerNorm(x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array): Awaitable;
  geluErf(x: Float32Array, out: Float32Array): Awaitable;
  geluTanh(x: Float32Array, out: Float32Array): Awaitable;
  softmax(x: Float32Array, rows: number, cols: number, out: Float32Array): Awaitable;
  /** Attention variants by name (e.g. eager and fused). */
  attention: Readonly<Record<string, AttentionKernel>>;
  conv2d(x: Float32Array, xShape: readonly number[], weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, out: Float32Array, options: Conv2dOptions): Awaitable;
  patchEmbed(x: Float32Array, xShape: readonly number[], weight: Float32Array, bias: Float32Array | null, patch: number, out: Float32Array): Awaitable;
  maxPool2d: typeof maxPool2d;
  adaptiveAvgPool2d: typeof adaptiveAvgPool2d;
  batchNorm: typeof batchNorm;
  pixelShuffle: typeof pixelShuffle;
  interpolate: typeof interpolate;
  crossEntropy: typeof crossEntropy;
}

const REFERENCE: KernelImplementation = {
  linear: linearReference,
  layerNorm: layerNormReference,
  geluErf: geluErfReference,
  geluTanh: geluTanhReference,
  softmax: softmaxReference,
  attention: { reference: attentionReference },
  conv2d: conv2dReference,
  patchEmbed: patchEmbedReference,
  maxPool2d: maxPool2dReference,
  adaptiveAvgPool2d: adaptiveAvgPool2dReference,
  batchNorm: batchNormReference,
  pixelShuffle: pixelShuffleReference,
  interpolate: interpolateReference,
  crossEntropy: crossEntropyReference,
};

/** An engine's kernels; weights are prepared in a short-lived arena per call (as a model would at load). */
export function engineKernels(engine: Engine): KernelImplementation {
  const prepared = async <P>(prepare: (arena: ReturnType<Engine['createArena']>) => P, run: (p: P) => Promise<void>): Promise<void> => {
    const arena = engine.createArena();
    try {
      await run(prepare(arena));
    } finally {
      arena.dispose();
    }
  };
  return {
    linear: (x, rows, weight, bias, outF, inF, out) => prepared((a) => a.prepareLinear(weight, bias, outF, inF), (l) => engine.linear(x, rows, l, out)),
    layerNorm: (x, rows, dim, weight, bias, eps, out) => engine.layerNorm(x, rows, dim, weight, bias, eps, out),
    geluErf: (x, out) => engine.activation('gelu', x, out),
    geluTanh: (x, out) => engine.activation('gelu_pytorch_tanh', x, out),
    softmax: (x, rows, cols, out) => engine.softmax(x, rows, cols, out),
    attention: { eager: (io, shape) => engine.attentionEager(io, shape), fused: (io, shape) => engine.attentionFused(io, shape) },
    conv2d: (x, xShape, weight, wShape, bias, out, options) => prepared((a) => a.prepareConv2d(weight, wShape, bias, options), (c) => engine.conv2d(x, xShape, c, out)),
    patchEmbed: (x, xShape, weight, bias, patch, out) =>
      prepared((a) => a.preparePatchEmbed(weight, bias, weight.length / (xShape[1] * patch * patch), xShape[1], [patch, patch]), (p) => engine.patchEmbed(x, xShape, p, out)),
    maxPool2d,
    adaptiveAvgPool2d,
    batchNorm,
    pixelShuffle,
    interpolate,
    crossEntropy,
  };
}

/** The conformance table: 'reference' first, then one row per golden engine. */
export async function kernelImplementations(): Promise<Readonly<Record<string, KernelImplementation>>> {
  const table: Record<string, KernelImplementation> = { reference: REFERENCE };
  for (const { label, engine } of await goldenEngines()) table[label] = engineKernels(engine);
  return table;
}
