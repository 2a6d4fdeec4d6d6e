/**
 * Op `conv2d` on the 'js' backend: im2row (im2row.ts; a pointwise conv reads its input as is), then one
 * strided GEMM per group with the epilogue fused, the weight of each group packed as a linear layer's.
 */

import { conv2dScratchLength, convGeometry, convWeightToNhwc, isPointwise, type Conv2dArgs, type ConvSpec } from '../../../ops/conv2d.js';
import type { GemmWeight } from '../../../ops/linear.js';
import { allocFloat32 } from '../../../storage.js';
import { im2rowNhwc } from './im2row.js';
import { JS_GEMM_LAYOUT, jsPackedLength, linearKernel, packJsGemm } from './linear.js';

/** The 'js' backend's conv weight layout: each group's [og, kh·kw·cg] weight packed as a GEMM weight, one after the other. */
export const JS_CONV_LAYOUT = 'js-conv-panels4';

/** Floats of a packed conv weight. */
export function jsConvPackedLength(spec: ConvSpec): number {
  const og = spec.outChannels / spec.groups;
  return spec.groups * jsPackedLength(og, spec.kernel[0] * spec.kernel[1] * (spec.inChannels / spec.groups));
}

/** Packs a torch conv weight [o, c / groups, kh, kw] into `packed` (jsConvPackedLength floats). */
export function packJsConv(weight: Float32Array, spec: ConvSpec, packed: Float32Array): void {
  const nhwc = convWeightToNhwc(weight, spec);
  const og = spec.outChannels / spec.groups;
  const kk = spec.kernel[0] * spec.kernel[1] * (spec.inChannels / spec.groups);
  const per = jsPackedLength(og, kk);
  for (let g = 0; g < spec.groups; g++) packJsGemm(nhwc.subarray(g * og * kk, (g + 1) * og * kk), og, kk, packed.subarray(g * per, (g + 1) * per));
}

/** Group `g`'s GEMM weight: views of the packed conv weight and its bias. */
export function groupGemm(packed: Float32Array, bias: Float32Array | null, spec: ConvSpec, g: number, layout: string, perGroup: number): GemmWeight<Float32Array> {
  const og = spec.outChannels / spec.groups;
  const kk = spec.kernel[0] * spec.kernel[1] * (spec.inChannels / spec.groups);
  return {
    outFeatures: og, inFeatures: kk, layout,
    packed: packed.subarray(g * perGroup, (g + 1) * perGroup),
    bias: bias ? bias.subarray(g * og, (g + 1) * og) : null,
  };
}

export function conv2dKernel(a: Conv2dArgs<Float32Array>): void {
  const { spec } = a.weight;
  if (a.weight.layout !== JS_CONV_LAYOUT) throw new TypeError(`conv2d: the weight is packed for "${a.weight.layout}", not the js backend`);
  const g = convGeometry(a.shape, spec);
  const rows = g.n * g.oh * g.ow;
  const cg = g.c / g.groups, og = g.o / g.groups;
  let input = a.x;
  let lda = g.c;
  let groupColumns = cg;
  if (!isPointwise(spec)) {
    const length = conv2dScratchLength(a.shape, spec);
    input = a.scratch && a.scratch.length >= length ? a.scratch : allocFloat32(length);
    im2rowNhwc(a.x, g, input);
    lda = g.kh * g.kw * g.c;
    groupColumns = g.kh * g.kw * cg;
  }
  const perGroup = jsPackedLength(og, g.kh * g.kw * cg);
  for (let grp = 0; grp < g.groups; grp++) {
    // A residual that is `out` itself is read in place: a group's columns are disjoint from the others'.
    linearKernel({
      x: input.subarray(grp * groupColumns), rows, ldx: lda,
      weight: groupGemm(a.weight.packed, a.weight.bias, spec, grp, JS_GEMM_LAYOUT, perGroup),
      out: a.out.subarray(grp * og), ldo: g.o,
      activation: a.activation,
      residual: a.residual ? a.residual.subarray(grp * og) : null, ldr: g.o,
    });
  }
}
