import { conv2d, conv2dOutputShape, foldBatchNorm, type Conv2dOptions } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { BATCH_NORM_EPS, readBatchNorm, type BatchNormParams } from './batch-norm.js';

/** The hyper-parameters of a torch nn.Conv2d (square kernels, symmetric padding, as timm's ResNet uses). */
export interface Conv2dSpec {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
}

/** An NCHW activation: data [n, c, h, w] row-major. */
export interface FeatureMap {
  data: Float32Array; // [n, c, h, w]
  shape: [number, number, number, number];
}

/**
 * torch nn.Conv2d over NCHW maps (core's im2col + packed GEMM). An eval-mode BatchNorm that follows the
 * conv can be folded into its weight and bias at load (`loadWithBatchNorm`), so conv → BN costs one conv.
 */
export class Conv2d {
  readonly wShape: [number, number, number, number]; // [out, in / groups, k, k]
  readonly options: Conv2dOptions;

  constructor(
    readonly weight: Float32Array, // [out, in / groups, k, k]
    readonly bias: Float32Array | null, // [out]
    readonly spec: Conv2dSpec,
  ) {
    const groups = spec.groups ?? 1;
    this.wShape = [spec.outChannels, spec.inChannels / groups, spec.kernel, spec.kernel];
    if (!Number.isInteger(this.wShape[1]) || spec.outChannels % groups !== 0) {
      throw new RangeError(`Conv2d: groups=${groups} must divide in_channels=${spec.inChannels} and out_channels=${spec.outChannels}`);
    }
    if (weight.length !== this.wShape.reduce((a, b) => a * b, 1)) throw new RangeError(`Conv2d: weight does not hold [${this.wShape.join(',')}]`);
    this.options = { stride: spec.stride ?? 1, padding: spec.padding ?? 0, dilation: spec.dilation ?? 1, groups };
  }

  /** Reads `<scope>.weight` (and `<scope>.bias` when `bias`). */
  static async load(scope: WeightScope, spec: Conv2dSpec, bias = false): Promise<Conv2d> {
    const shape = Conv2d.weightShape(spec);
    return new Conv2d(await scope.get('weight', shape), bias ? await scope.get('bias', [spec.outChannels]) : null, spec);
  }

  /** The bias-free conv at scope `conv` followed by the eval-mode BatchNorm at scope `bn`, folded into one conv with bias. */
  static async loadWithBatchNorm(conv: WeightScope, bn: WeightScope, spec: Conv2dSpec, eps = BATCH_NORM_EPS): Promise<Conv2d> {
    const weight = await conv.get('weight', Conv2d.weightShape(spec));
    return Conv2d.foldBatchNorm(weight, await readBatchNorm(bn, spec.outChannels, eps), spec);
  }

  /** conv(weight, no bias) → bn as one conv: w' = w·α, b' = beta - mean·α with α = gamma / sqrt(var + eps). */
  static foldBatchNorm(weight: Float32Array, bn: BatchNormParams, spec: Conv2dSpec): Conv2d {
    if (bn.channels !== spec.outChannels) throw new RangeError(`Conv2d: BatchNorm over ${bn.channels} channels after a conv with ${spec.outChannels} outputs`);
    const folded = foldBatchNorm(weight, null, spec.outChannels, bn.mean, bn.variance, bn.weight, bn.bias, bn.eps);
    return new Conv2d(folded.weight, folded.bias, spec);
  }

  static weightShape(spec: Conv2dSpec): [number, number, number, number] {
    return [spec.outChannels, spec.inChannels / (spec.groups ?? 1), spec.kernel, spec.kernel];
  }

  outputShape(shape: readonly number[]): [number, number, number, number] {
    return conv2dOutputShape(shape, this.wShape, this.options);
  }

  /** A new map conv(x). */
  forward(x: FeatureMap): FeatureMap {
    if (x.shape[1] !== this.spec.inChannels) {
      throw new RangeError(`Conv2d: input has ${x.shape[1]} channels, the conv reads ${this.spec.inChannels}`);
    }
    const shape = this.outputShape(x.shape);
    const data = new Float32Array(shape[0] * shape[1] * shape[2] * shape[3]);
    conv2d(x.data, x.shape, this.weight, this.wShape, this.bias, data, this.options);
    return { data, shape };
  }
}
