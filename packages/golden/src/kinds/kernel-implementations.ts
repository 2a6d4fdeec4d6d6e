/**
 * Every implementation of the core kernels, under one interface, so each golden kernel case runs
 * against all of them ("one conformance table for all implementations"): the naive references and the
 * fast kernels the models use. A new backend adds one entry here.
 */

import {
  adaptiveAvgPool2d, adaptiveAvgPool2dReference, attentionEager, attentionFused, attentionReference, batchNorm, batchNormReference,
  conv2d, conv2dReference, crossEntropy, crossEntropyReference, geluErf, geluErfReference, geluTanh, geluTanhReference,
  interpolate, interpolateReference, layerNorm, layerNormReference, linear, linearReference, maxPool2d, maxPool2dReference,
  patchEmbed, patchEmbedReference, pixelShuffle, pixelShuffleReference, prepareLinear, softmax, softmaxReference,
  type AttentionIO, type AttentionShape,
} from '@purevit/core';

export type AttentionKernel = (io: AttentionIO, shape: AttentionShape) => void;

export interface KernelImplementation {
  linear(x: Float32Array, rows: number, weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number, out: Float32Array): void;
  layerNorm: typeof layerNorm;
  geluErf: typeof geluErf;
  geluTanh: typeof geluTanh;
  softmax: typeof softmax;
  /** Attention variants by name (e.g. eager and fused). */
  attention: Readonly<Record<string, AttentionKernel>>;
  conv2d: typeof conv2d;
  patchEmbed: typeof patchEmbed;
  maxPool2d: typeof maxPool2d;
  adaptiveAvgPool2d: typeof adaptiveAvgPool2d;
  batchNorm: typeof batchNorm;
  pixelShuffle: typeof pixelShuffle;
  interpolate: typeof interpolate;
  crossEntropy: typeof crossEntropy;
}

export const KERNEL_IMPLEMENTATIONS: Readonly<Record<string, KernelImplementation>> = {
  reference: {
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
  },
  fast: {
    linear: (x, rows, weight, bias, outFeatures, inFeatures, out) => linear(x, rows, prepareLinear(weight, bias, outFeatures, inFeatures), out),
    layerNorm,
    geluErf,
    geluTanh,
    softmax,
    attention: { eager: (io, shape) => attentionEager(io, shape), fused: attentionFused },
    conv2d,
    patchEmbed,
    maxPool2d,
    adaptiveAvgPool2d,
    batchNorm,
    pixelShuffle,
    interpolate,
    crossEntropy,
  },
};
