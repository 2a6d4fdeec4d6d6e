/**
 * Op `conv2d` on the 'wasm' backend: the receptive fields gathered as rows (the 'js' backend's im2row, on the
 * heap; a pointwise conv reads its input as is), then one strided SIMD GEMM per group with the epilogue fused.
 * Each group's weight [og, kh·kw·cg] is packed in GEMM panels, the groups one after the other.
 */

import { conv2dScratchLength, convGeometry, convSpec, convWeightToNhwc, isPointwise, type Conv2dArgs, type Conv2dOptions, type ConvSpec } from '../../../ops/conv2d.js';
import { im2rowNhwc } from '../../js/kernels/im2row.js';
import type { GemmTiling } from '../emit-gemm.js';
import { packedLength, packTransposedInto } from '../packing.js';
import type { Step, WasmKernel } from '../plan.js';
import type { WasmArray } from '../wasm-array.js';
import { checkWasmWeight, gemmSteps, residualOperand, wasmActivation } from './linear.js';

export function wasmConvLayout(tiling: GemmTiling): string {
  return `wasm-conv-panels${tiling.nr}`;
}

/** Floats of one group's packed weight, and of the whole conv's. */
export function convPackedLengths(spec: ConvSpec, nr: number): { perGroup: number; total: number } {
  const og = spec.outChannels / spec.groups;
  const kk = spec.kernel[0] * spec.kernel[1] * (spec.inChannels / spec.groups);
  const perGroup = packedLength(kk, og, nr);
  return { perGroup, total: perGroup * spec.groups };
}

/** Packs a torch conv weight into `out` (zeroed, convPackedLengths().total floats). */
export function packWasmConv(weight: Float32Array, wShape: readonly number[], options: Conv2dOptions, nr: number, out: Float32Array): ConvSpec {
  const spec = convSpec(wShape, options);
  const nhwc = convWeightToNhwc(weight, spec);
  const og = spec.outChannels / spec.groups;
  const kk = spec.kernel[0] * spec.kernel[1] * (spec.inChannels / spec.groups);
  const { perGroup } = convPackedLengths(spec, nr);
  for (let g = 0; g < spec.groups; g++) {
    packTransposedInto(nhwc.subarray(g * og * kk, (g + 1) * og * kk), og, kk, nr, out.subarray(g * perGroup, (g + 1) * perGroup));
  }
  return spec;
}

export const conv2dKernel: WasmKernel<Conv2dArgs<WasmArray>> = {
  emit: (_mod, lib) => void lib.gemm(),
  plan(a, ctx) {
    const { spec } = a.weight;
    checkWasmWeight('conv2d', a.weight, wasmConvLayout(ctx.tiling));
    const g = convGeometry(a.shape, spec);
    const rows = g.n * g.oh * g.ow;
    const cg = g.c / g.groups, og = g.o / g.groups;
    const steps: Step[] = [];
    let input = a.x.ptr;
    let lda = g.c;
    let groupColumns = cg;
    if (!isPointwise(spec)) {
      const length = conv2dScratchLength(a.shape, spec);
      const ptr = a.scratch && a.scratch.length >= length ? a.scratch.ptr : ctx.temp(length);
      steps.push({ host: () => im2rowNhwc(a.x.data, g, ctx.heap.f32(ptr, length)) });
      input = ptr;
      lda = g.kh * g.kw * g.c;
      groupColumns = g.kh * g.kw * cg;
    }
    const { res, ldr } = residualOperand(a.residual ?? null, a.out, rows, g.o, g.o, ctx, steps);
    const { perGroup } = convPackedLengths(spec, ctx.tiling.nr);
    const act = wasmActivation(a.activation);
    for (let grp = 0; grp < g.groups; grp++) {
      steps.push(...gemmSteps({
        a: input + grp * groupColumns * 4, lda, b: a.weight.packed.ptr + grp * perGroup * 4, k: groupColumns,
        c: a.out.ptr + grp * og * 4, ldc: g.o, m: rows, n: og,
        bias: a.weight.bias ? a.weight.bias.ptr + grp * og * 4 : 0, res: res ? res + grp * og * 4 : 0, ldr, act,
      }, ctx));
    }
    return steps;
  },
};
