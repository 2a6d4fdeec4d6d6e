/**
 * The 'js' backend's implementation of every op (ops/index.ts): a typed table, so a missing op is a compile
 * error. Each kernel takes the op's arguments with Float32Arrays; where the reference's loop is already the
 * direct one (a gather, a selection, an affine map) the table names the reference itself, on purpose.
 */

import { OPS, type OpArgs, type OpName } from '../../ops/index.js';
import { activationKernel } from './kernels/activations.js';
import { adaptivePool2dKernel } from './kernels/adaptive-pool2d.js';
import { attentionEagerKernel, attentionFusedKernel } from './kernels/attention.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { binaryBroadcastKernel, copyRowsKernel, embedTokensKernel, gatherRowsKernel, transposeKernel } from './kernels/data-movement.js';
import { depthwiseConv2dKernel } from './kernels/depthwise-conv2d.js';
import { groupNormKernel } from './kernels/group-norm.js';
import { interpolateKernel } from './kernels/interpolate.js';
import { layerNormKernel } from './kernels/layer-norm.js';
import { linearKernel } from './kernels/linear.js';
import { pixelShuffleKernel } from './kernels/pixel-shuffle.js';
import { pool2dKernel } from './kernels/pool2d.js';
import { softmaxKernel } from './kernels/softmax.js';

/** A TypeScript kernel: the op's arguments with the arrays' Float32Arrays. */
export type HostKernel<K extends OpName> = (args: OpArgs<Float32Array>[K]) => void;

export type JsKernels = { readonly [K in OpName]: HostKernel<K> };

export const JS_KERNELS: JsKernels = {
  linear: linearKernel,
  conv2d: conv2dKernel,
  depthwiseConv2d: depthwiseConv2dKernel,
  layerNorm: layerNormKernel,
  groupNorm: groupNormKernel,
  softmax: softmaxKernel,
  activation: activationKernel,
  attentionFused: attentionFusedKernel,
  attentionEager: attentionEagerKernel,
  patchify: OPS.patchify.reference,
  embedTokens: embedTokensKernel,
  maskTokens: OPS.maskTokens.reference,
  copyRows: copyRowsKernel,
  gatherRows: gatherRowsKernel,
  transpose: transposeKernel,
  pool2d: pool2dKernel,
  adaptivePool2d: adaptivePool2dKernel,
  binaryBroadcast: binaryBroadcastKernel,
  scaleAdd: OPS.scaleAdd.reference,
  interpolate: interpolateKernel,
  pixelShuffle: pixelShuffleKernel,
};
