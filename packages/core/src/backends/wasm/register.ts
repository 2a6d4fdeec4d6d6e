/**
 * The 'wasm' backend's implementation of every op (ops/index.ts): a typed table, so a missing op is a compile
 * error. Compute-bound ops are emitted SIMD kernels split over the worker pool; data movement runs the 'js'
 * backend's TypeScript kernel on the heap (`onHost`, kernels/host.ts). The kernel module's exports are what
 * these kernels emit (kernel-module.ts), and the worker pool numbers them from the module itself.
 */

import type { OpArgs, OpName } from '../../ops/index.js';
import { JS_KERNELS } from '../js/register.js';
import { attentionEagerKernel, attentionFusedKernel } from './kernels/attention.js';
import { conv2dKernel } from './kernels/conv2d.js';
import { depthwiseConv2dKernel } from './kernels/depthwise-conv2d.js';
import { groupNormKernel } from './kernels/group-norm.js';
import { onHost } from './kernels/host.js';
import { linearKernel } from './kernels/linear.js';
import { activationKernel, layerNormKernel, softmaxKernel } from './kernels/rows.js';
import type { WasmKernel } from './plan.js';
import type { WasmArray } from './wasm-array.js';

export type WasmKernels = { readonly [K in OpName]: WasmKernel<OpArgs<WasmArray>[K]> };

export const WASM_KERNELS: WasmKernels = {
  linear: linearKernel,
  conv2d: conv2dKernel,
  depthwiseConv2d: depthwiseConv2dKernel,
  layerNorm: layerNormKernel,
  groupNorm: groupNormKernel,
  softmax: softmaxKernel,
  activation: activationKernel,
  attentionFused: attentionFusedKernel,
  attentionEager: attentionEagerKernel,
  patchify: onHost(JS_KERNELS.patchify),
  embedTokens: onHost(JS_KERNELS.embedTokens),
  maskTokens: onHost(JS_KERNELS.maskTokens),
  copyRows: onHost(JS_KERNELS.copyRows),
  gatherRows: onHost(JS_KERNELS.gatherRows),
  transpose: onHost(JS_KERNELS.transpose),
  pool2d: onHost(JS_KERNELS.pool2d),
  adaptivePool2d: onHost(JS_KERNELS.adaptivePool2d),
  binaryBroadcast: onHost(JS_KERNELS.binaryBroadcast),
  scaleAdd: onHost(JS_KERNELS.scaleAdd),
  interpolate: onHost(JS_KERNELS.interpolate),
  pixelShuffle: onHost(JS_KERNELS.pixelShuffle),
};
