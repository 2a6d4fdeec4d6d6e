/**
 * Op `conv2d` on the 'wasm' backend, two kernels chosen by the weight's shape at prepare time:
 *
 * - GEMM ('wasm-conv-panels{nr}'; groups = 1, or groups whose output channels are not a multiple of 4): the
 *   receptive fields gathered as rows (the 'js' backend's im2row, on the heap; a pointwise conv reads its
 *   input as is), then one strided SIMD GEMM per group with the epilogue fused; each group's weight
 *   [og, kh·kw·cg] packed in GEMM panels, the groups one after the other.
 * - Grouped direct ('wasm-conv-grouped'; groups > 1 with og a multiple of 4, as ResNeXt's and RegNet's):
 *   no im2row and one pass over every group: for a block of output pixels, each f32x4 of a group's output
 *   channels sums, over the taps and the group's input channels, the broadcast input times a weight vector
 *   (weight [groups, kh, kw, cg, og]); no lane is padding, one lane task per row range for all groups.
 */

import { conv2dScratchLength, convGeometry, convSpec, convWeightToNhwc, isPointwise, type Conv2dArgs, type Conv2dOptions, type ConvSpec } from '../../../ops/conv2d.js';
import { im2rowNhwc } from '../../js/kernels/im2row.js';
import { emitDirectConv, emitTaps, writeDirectConvParams, type DirectConvBody } from '../emit-direct-conv.js';
import { activationId, type GemmTiling } from '../emit-gemm.js';
import { i32, v128, type FunctionBuilder, type Local } from '../module-builder.js';
import { packedLength, packTransposedInto } from '../packing.js';
import { rowLanes, type Step, type WasmKernel } from '../plan.js';
import type { WasmArray } from '../wasm-array.js';
import { checkWasmWeight, gemmSteps, residualOperand, wasmActivation } from './linear.js';

export const WASM_GROUPED_CONV_LAYOUT = 'wasm-conv-grouped';

/** Output pixels per block of the grouped kernel. */
const GROUPED_BLOCK = 6;

/** True when the grouped direct kernel runs this conv. */
export function isDirectGrouped(spec: ConvSpec): boolean {
  return spec.groups > 1 && (spec.outChannels / spec.groups) % 4 === 0;
}

export function wasmConvLayout(spec: ConvSpec, tiling: GemmTiling): string {
  return isDirectGrouped(spec) ? WASM_GROUPED_CONV_LAYOUT : `wasm-conv-panels${tiling.nr}`;
}

/** Floats of one group's packed weight, and of the whole conv's. */
export function convPackedLengths(spec: ConvSpec, nr: number): { perGroup: number; total: number } {
  const og = spec.outChannels / spec.groups;
  const kk = spec.kernel[0] * spec.kernel[1] * (spec.inChannels / spec.groups);
  const perGroup = isDirectGrouped(spec) ? og * kk : packedLength(kk, og, nr);
  return { perGroup, total: perGroup * spec.groups };
}

/** Packs a torch conv weight into `out` (zeroed, convPackedLengths().total floats). */
export function packWasmConv(weight: Float32Array, wShape: readonly number[], options: Conv2dOptions, nr: number, out: Float32Array): ConvSpec {
  const spec = convSpec(wShape, options);
  const nhwc = convWeightToNhwc(weight, spec); // [o, kh, kw, cg]
  const og = spec.outChannels / spec.groups;
  const kk = spec.kernel[0] * spec.kernel[1] * (spec.inChannels / spec.groups);
  const { perGroup } = convPackedLengths(spec, nr);
  for (let g = 0; g < spec.groups; g++) {
    const group = nhwc.subarray(g * og * kk, (g + 1) * og * kk);
    const dst = out.subarray(g * perGroup, (g + 1) * perGroup);
    if (isDirectGrouped(spec)) {
      for (let oc = 0; oc < og; oc++) for (let t = 0; t < kk; t++) dst[t * og + oc] = group[oc * kk + t]; // [kh·kw·cg, og]
    } else {
      packTransposedInto(group, og, kk, nr, dst);
    }
  }
  return spec;
}

/** The grouped kernel's block body (see the file comment); locals made once per function. */
function groupedBody(fma: boolean): DirectConvBody {
  let l: { grp: Local; groups: Local; v: Local; oc: Local; ky: Local; kx: Local; row: Local; ix: Local; ci: Local; xp: Local; wp: Local; ogBytes: Local; wv: Local; acc: Local[] } | null = null;
  return (f: FunctionBuilder, fr, pixels, checked) => {
    l ??= {
      grp: f.local(i32), groups: f.local(i32), v: f.local(i32), oc: f.local(i32), ky: f.local(i32), kx: f.local(i32),
      row: f.local(i32), ix: f.local(i32), ci: f.local(i32), xp: f.local(i32), wp: f.local(i32), ogBytes: f.local(i32),
      wv: f.local(v128), acc: [],
    };
    const L = l;
    while (L.acc.length < pixels) L.acc.push(f.local(v128));
    const acc = L.acc.slice(0, pixels);
    const { p } = fr;
    f.get(p.c).get(p.cg).i32DivU().set(L.groups);
    f.get(p.og).i32Const(2).i32Shl().set(L.ogBytes);
    f.forRange(L.grp, (g) => g.i32Const(0), (g) => g.get(L.groups), 1, () => {
      f.forRange(L.v, (g) => g.i32Const(0), (g) => g.get(p.og), 4, () => {
        f.get(L.grp).get(p.og).i32Mul().get(L.v).i32Add().set(L.oc);
        f.get(fr.bias).if(
          () => {
            f.get(fr.bias).get(L.oc).i32Const(2).i32Shl().i32Add().v128Load().set(acc[0]);
            for (let i = 1; i < pixels; i++) f.get(acc[0]).set(acc[i]);
          },
          () => { for (const a of acc) f.f32x4Const(0).set(a); },
        );
        emitTaps(f, fr, checked, L.ky, L.kx, L.row, L.ix, () => {
          // xp = &x[b, iy, ix, grp·cg]; wp = &w[grp, ky, kx, 0, v]
          f.get(L.row).get(L.ix).get(p.c).i32Mul().get(L.grp).get(p.cg).i32Mul().i32Add().i32Const(2).i32Shl().i32Add().set(L.xp);
          f.get(L.grp).get(p.kh).i32Mul().get(L.ky).i32Add().get(p.kw).i32Mul().get(L.kx).i32Add().get(p.cg).i32Mul().get(p.og).i32Mul();
          f.get(L.v).i32Add().i32Const(2).i32Shl().get(fr.w).i32Add().set(L.wp);
          f.forRange(L.ci, (g) => g.i32Const(0), (g) => g.get(p.cg), 1, () => {
            f.get(L.wp).v128Load().set(L.wv);
            for (let i = 0; i < pixels; i++) {
              f.get(L.xp);
              if (i > 0) f.get(fr.xStep[i]).i32Add();
              f.v128Load32Splat();
              if (fma) f.get(L.wv).get(acc[i]).f32x4RelaxedMadd().set(acc[i]);
              else f.get(L.wv).f32x4Mul().get(acc[i]).f32x4Add().set(acc[i]);
            }
            f.addTo(L.xp, 4);
            f.get(L.wp).get(L.ogBytes).i32Add().set(L.wp);
          });
        });
        for (let i = 0; i < pixels; i++) {
          f.get(fr.outPix);
          if (i > 0) f.get(fr.outStep[i]).i32Add();
          f.get(L.oc).i32Const(2).i32Shl().i32Add().get(acc[i]).v128Store();
        }
      });
    });
  };
}

function groupedSteps(a: Conv2dArgs<WasmArray>, ctx: Parameters<WasmKernel<Conv2dArgs<WasmArray>>['plan']>[1]): Step[] {
  const g = convGeometry(a.shape, a.weight.spec);
  const rows = g.n * g.oh;
  const steps: Step[] = [];
  const { res } = residualOperand(a.residual ?? null, a.out, g.n * g.oh * g.ow, g.o, g.o, ctx, steps);
  const params = writeDirectConvParams(ctx, g);
  const bias = a.weight.bias ? a.weight.bias.ptr : 0;
  const act = activationId(wasmActivation(a.activation));
  const tasks = rowLanes(ctx, rows, g.ow * g.o * g.kh * g.kw * (g.c / g.groups)).map(([r0, r1]) => ({
    kernel: 'grouped_conv2d', args: [params, a.x.ptr, a.weight.packed.ptr, bias, a.out.ptr, res, act, r0, r1],
  }));
  steps.push({ tasks });
  return steps;
}

export const conv2dKernel: WasmKernel<Conv2dArgs<WasmArray>> = {
  emit: (mod, lib) => {
    lib.gemm();
    emitDirectConv(mod, lib, 'grouped_conv2d', GROUPED_BLOCK, groupedBody(lib.tiling.fma === true));
  },
  plan(a, ctx) {
    const { spec } = a.weight;
    checkWasmWeight('conv2d', a.weight, wasmConvLayout(spec, ctx.tiling));
    if (isDirectGrouped(spec)) return groupedSteps(a, ctx);
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
