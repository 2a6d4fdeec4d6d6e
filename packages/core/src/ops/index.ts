/**
 * The op registry: every op any model runs, each declared once in this folder (name, argument type generic
 * over the array type, checks, reference). Engines dispatch through this table, every backend registers one
 * implementation per op (a missing one is a compile error), and the conformance tests iterate it.
 *
 * Adding an op: its file here; here its import, its public helpers' export, one line in `OpArgs` and one in
 * `OPS` (see docs/recipes/adding-an-op.md).
 */

import { activation, type ActivationArgs } from './activation.js';
import { adaptivePool2d, type AdaptivePool2dArgs } from './adaptive-pool2d.js';
import { attentionEager, type AttentionEagerArgs } from './attention-eager.js';
import { attentionFused, type AttentionFusedArgs } from './attention-fused.js';
import { binaryBroadcast, type BinaryBroadcastArgs } from './binary-broadcast.js';
import { conv2d, type Conv2dArgs } from './conv2d.js';
import { copyRows, type CopyRowsArgs } from './copy-rows.js';
import { depthwiseConv2d, type DepthwiseConv2dArgs } from './depthwise-conv2d.js';
import { embedTokens, type EmbedTokensArgs } from './embed-tokens.js';
import { gatherRows, type GatherRowsArgs } from './gather-rows.js';
import { groupNorm, type GroupNormArgs } from './group-norm.js';
import { interpolate, type InterpolateArgs } from './interpolate.js';
import { layerNorm, type LayerNormArgs } from './layer-norm.js';
import { linear, type LinearArgs } from './linear.js';
import { maskTokens, type MaskTokensArgs } from './mask-tokens.js';
import type { OpDeclaration, Sized } from './op.js';
import { patchify, type PatchifyArgs } from './patchify.js';
import { pixelShuffle, type PixelShuffleArgs } from './pixel-shuffle.js';
import { pool2d, type Pool2dArgs } from './pool2d.js';
import { scaleAdd, type ScaleAddArgs } from './scale-add.js';
import { softmax, type SoftmaxArgs } from './softmax.js';
import { transpose, type TransposeArgs } from './transpose.js';

// Each op's public helpers and argument types (re-exported by the package's index).
export { declareOp, type OpDeclaration, type Sized } from './op.js';
export { ACTIVATION_NAMES, activationKind, isActivationName, type ActivationKind, type ActivationName } from './activation-name.js';
export { ACTIVATION_FORMULAS, activationReference, type ActivationArgs } from './activation.js';
export type { AdaptivePool2dArgs, AdaptivePoolMode } from './adaptive-pool2d.js';
export { maskWindows, type AttentionArgs } from './attention-args.js';
export type { AttentionEagerArgs } from './attention-eager.js';
export type { AttentionFusedArgs } from './attention-fused.js';
export type { BinaryBroadcastArgs } from './binary-broadcast.js';
export {
  conv2dOutputShape, conv2dScratchLength, convGeometry, convSpec, isPointwise, referenceConvWeight, samePadding,
  type Conv2dArgs, type Conv2dOptions, type ConvGeometry, type ConvSpec, type ConvWeight,
} from './conv2d.js';
export type { CopyRowsArgs } from './copy-rows.js';
export type { EmbedTokensArgs } from './embed-tokens.js';
export { gatherIndex, type GatherRowsArgs } from './gather-rows.js';
export { groupNormSizes, type GroupNormArgs } from './group-norm.js';
export type { InterpolateArgs, InterpolateOptions } from './interpolate.js';
export type { LayerNormArgs } from './layer-norm.js';
export { TORCH_LAYOUT, torchGemmWeight, type GemmWeight, type LinearArgs } from './linear.js';
export type { MaskTokensArgs } from './mask-tokens.js';
export type { PatchifyArgs } from './patchify.js';
export type { PixelShuffleArgs } from './pixel-shuffle.js';
export { pool2dOutputShape, type Pool2dArgs } from './pool2d.js';
export type { ScaleAddArgs } from './scale-add.js';
export type { SoftmaxArgs } from './softmax.js';
export type { TransposeArgs } from './transpose.js';
export {
  depthwiseGeometry, depthwiseSpec, depthwiseWeight, isDepthwise, type DepthwiseConv2dArgs,
} from './depthwise-conv2d.js';

/** Each op's arguments, with arrays of type A. */
export interface OpArgs<A> {
  linear: LinearArgs<A>;
  conv2d: Conv2dArgs<A>;
  depthwiseConv2d: DepthwiseConv2dArgs<A>;
  layerNorm: LayerNormArgs<A>;
  groupNorm: GroupNormArgs<A>;
  softmax: SoftmaxArgs<A>;
  activation: ActivationArgs<A>;
  attentionFused: AttentionFusedArgs<A>;
  attentionEager: AttentionEagerArgs<A>;
  patchify: PatchifyArgs<A>;
  embedTokens: EmbedTokensArgs<A>;
  maskTokens: MaskTokensArgs<A>;
  copyRows: CopyRowsArgs<A>;
  gatherRows: GatherRowsArgs<A>;
  transpose: TransposeArgs<A>;
  pool2d: Pool2dArgs<A>;
  adaptivePool2d: AdaptivePool2dArgs<A>;
  binaryBroadcast: BinaryBroadcastArgs<A>;
  scaleAdd: ScaleAddArgs<A>;
  interpolate: InterpolateArgs<A>;
  pixelShuffle: PixelShuffleArgs<A>;
}

export type OpName = keyof OpArgs<unknown>;

/** The declaration of op K: checks over any sized arrays, the reference over Float32Arrays. */
export type OpOf<K extends OpName> = OpDeclaration<OpArgs<Sized>[K], OpArgs<Float32Array>[K]>;

export const OPS: { readonly [K in OpName]: OpOf<K> } = {
  linear,
  conv2d,
  depthwiseConv2d,
  layerNorm,
  groupNorm,
  softmax,
  activation,
  attentionFused,
  attentionEager,
  patchify,
  embedTokens,
  maskTokens,
  copyRows,
  gatherRows,
  transpose,
  pool2d,
  adaptivePool2d,
  binaryBroadcast,
  scaleAdd,
  interpolate,
  pixelShuffle,
};

/** Every op name, in registry order. */
export const OP_NAMES: readonly OpName[] = Object.freeze(Object.keys(OPS) as OpName[]);

/** Runs op `name`'s reference on Float32Arrays (checks first). */
export function runReference<K extends OpName>(name: K, args: OpArgs<Float32Array>[K]): void {
  const op: OpOf<K> = OPS[name];
  op.check(args as OpArgs<Sized>[K]);
  op.reference(args);
}
