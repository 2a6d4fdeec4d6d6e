import {
  conv2dOutputShape, conv2dScratchLength, convSpec, depthwiseWeight, foldBatchNorm, isDepthwise, type ActivationName, type Arena,
  type ConvSpec, type DeviceArray, type Engine, type PreparedConv2d,
} from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { BATCH_NORM_EPS, readBatchNorm, type BatchNormParams } from './batch-norm.js';

/** The hyper-parameters of a torch nn.Conv2d (square kernels; symmetric padding, or TensorFlow's 'same' as timm's Conv2dSame). */
export interface Conv2dSpec {
  inChannels: number;
  outChannels: number;
  kernel: number;
  stride?: number;
  padding?: number | 'same';
  dilation?: number;
  groups?: number;
}

/** A channels-last activation in engine memory: [n, h, w, c] row-major (the ResNet trunk runs channels-last). */
export interface FeatureMap {
  data: DeviceArray; // [n, h, w, c]
  shape: [number, number, number, number];
}

export interface Conv2dForwardOptions {
  activation?: ActivationName;
  /** [n, oh, ow, out] added after the activation (may be `out`). */
  residual?: DeviceArray;
  /** The workspace (`scratchLength` floats) in engine memory. */
  scratch?: DeviceArray;
}

/**
 * torch nn.Conv2d on channels-last maps (op conv2d: on the CPU backends im2row + the GEMM; a 1×1 stride-1 conv
 * reads its input as is). An eval-mode BatchNorm that follows the conv is folded into its weight and bias at load
 * (`loadWithBatchNorm`), so conv → BN costs one conv; the bias, an activation and a residual add run in the
 * GEMM's epilogue. The weight is packed once for the engine (reordered to [out, kh, kw, in]). A depthwise conv
 * (groups = in = out channels) runs op depthwiseConv2d instead, its weight uploaded as [kh, kw, c].
 */
export class Conv2d {
  readonly engine: Engine;
  /** The resolved spec (kernel, stride, padding, dilation, groups). */
  readonly convSpec: ConvSpec;
  /** The packed weight of op conv2d; null for a depthwise conv (see `depthwise`). */
  readonly prepared: PreparedConv2d | null;
  /** A depthwise conv's weight [kh, kw, c] and bias [c] in engine memory; null otherwise. */
  readonly depthwise: { weight: DeviceArray; bias: DeviceArray | null } | null;

  constructor(
    arena: Arena,
    weight: Float32Array, // [out, in / groups, k, k]
    bias: Float32Array | null, // [out]
    readonly spec: Conv2dSpec,
  ) {
    const groups = spec.groups ?? 1;
    const wShape = Conv2d.weightShape(spec);
    if (!Number.isInteger(wShape[1]) || spec.outChannels % groups !== 0) {
      throw new RangeError(`Conv2d: groups=${groups} must divide in_channels=${spec.inChannels} and out_channels=${spec.outChannels}`);
    }
    if (weight.length !== wShape.reduce((a, b) => a * b, 1)) throw new RangeError(`Conv2d: weight does not hold [${wShape.join(',')}]`);
    this.engine = arena.engine;
    const options = { stride: spec.stride ?? 1, padding: spec.padding ?? 0, dilation: spec.dilation ?? 1, groups };
    this.convSpec = convSpec(wShape, options);
    if (isDepthwise(this.convSpec)) {
      this.prepared = null;
      this.depthwise = { weight: arena.upload(depthwiseWeight(weight, this.convSpec)), bias: bias && arena.upload(bias) };
    } else {
      this.prepared = arena.prepareConv2d(weight, wShape, bias, options);
      this.depthwise = null;
    }
  }

  /** Reads `<scope>.weight` (and `<scope>.bias` when `bias`). */
  static async load(arena: Arena, scope: WeightScope, spec: Conv2dSpec, bias = false): Promise<Conv2d> {
    const shape = Conv2d.weightShape(spec);
    return new Conv2d(arena, await scope.get('weight', shape), bias ? await scope.get('bias', [spec.outChannels]) : null, spec);
  }

  /** The bias-free conv at scope `conv` followed by the eval-mode BatchNorm at scope `bn`, folded into one conv with bias. */
  static async loadWithBatchNorm(arena: Arena, conv: WeightScope, bn: WeightScope, spec: Conv2dSpec, eps = BATCH_NORM_EPS): Promise<Conv2d> {
    const weight = await conv.get('weight', Conv2d.weightShape(spec));
    return Conv2d.foldBatchNorm(arena, weight, await readBatchNorm(bn, spec.outChannels, eps), spec);
  }

  /** conv(weight, no bias) → bn as one conv: w' = w·α, b' = beta - mean·α with α = gamma / sqrt(var + eps). */
  static foldBatchNorm(arena: Arena, weight: Float32Array, bn: BatchNormParams, spec: Conv2dSpec): Conv2d {
    if (bn.channels !== spec.outChannels) throw new RangeError(`Conv2d: BatchNorm over ${bn.channels} channels after a conv with ${spec.outChannels} outputs`);
    const folded = foldBatchNorm(weight, null, spec.outChannels, bn.mean, bn.variance, bn.weight, bn.bias, bn.eps);
    return new Conv2d(arena, folded.weight, folded.bias, spec);
  }

  static weightShape(spec: Conv2dSpec): [number, number, number, number] {
    return [spec.outChannels, spec.inChannels / (spec.groups ?? 1), spec.kernel, spec.kernel];
  }

  /** [n, oh, ow, out] for an input [n, h, w, in]. */
  outputShape(shape: FeatureMap['shape']): FeatureMap['shape'] {
    return conv2dOutputShape(shape, this.convSpec);
  }

  /** Floats of the workspace this conv may use for an input of `shape` (0 for a 1×1 stride-1 conv or a depthwise one). */
  scratchLength(shape: FeatureMap['shape']): number {
    return this.prepared ? conv2dScratchLength(shape, this.convSpec) : 0;
  }

  /** conv(x) (+ bias, activation, + residual) into `out`; returns the output map (a view of `out`). */
  forward(x: FeatureMap, out: DeviceArray, options: Conv2dForwardOptions = {}): FeatureMap {
    if (x.shape[3] !== this.spec.inChannels) {
      throw new RangeError(`Conv2d: input has ${x.shape[3]} channels, the conv reads ${this.spec.inChannels}`);
    }
    const shape = this.outputShape(x.shape);
    const data = out.view(0, shape[0] * shape[1] * shape[2] * shape[3]);
    if (this.prepared) {
      this.engine.ops.conv2d({ x: x.data, shape: x.shape, weight: this.prepared, out: data, ...options });
    } else if (this.depthwise) {
      const { activation, residual } = options;
      this.engine.ops.depthwiseConv2d({ x: x.data, shape: x.shape, spec: this.convSpec, ...this.depthwise, out: data, activation, residual });
    }
    return { data, shape };
  }
}
