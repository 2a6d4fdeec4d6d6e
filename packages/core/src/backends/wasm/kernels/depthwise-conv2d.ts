/**
 * Op `depthwiseConv2d` on the 'wasm' backend: an emitted SIMD kernel over the channels. For a block of output
 * pixels, each f32x4 of channels sums input vector × weight vector over the taps (x, weight [kh, kw, c] and
 * out all channels-last, so every load is contiguous), in registers; the channels past the last multiple of
 * 4 run the same code one lane wide. The driver (emit-direct-conv.ts) walks rows and pixel blocks and runs
 * the GEMM's epilogue (activation, residual) over each finished row; lanes split the output rows.
 */

import { depthwiseGeometry, type DepthwiseConv2dArgs } from '../../../ops/depthwise-conv2d.js';
import { emitDirectConv, emitTaps, writeDirectConvParams, type DirectConvBody } from '../emit-direct-conv.js';
import { activationId } from '../emit-gemm.js';
import { i32, v128, type FunctionBuilder, type Local } from '../module-builder.js';
import { rowLanes, type Step, type WasmKernel } from '../plan.js';
import type { WasmArray } from '../wasm-array.js';
import { residualOperand, wasmActivation } from './linear.js';

/** Output pixels per block (6 accumulators + the weight vector stay in registers). */
const BLOCK = 6;

function depthwiseBody(fma: boolean): DirectConvBody {
  let l: { j: Local; cVec: Local; ky: Local; kx: Local; row: Local; ix: Local; xp: Local; wv: Local; acc: Local[] } | null = null;
  return (f: FunctionBuilder, fr, pixels, checked) => {
    l ??= {
      j: f.local(i32), cVec: f.local(i32), ky: f.local(i32), kx: f.local(i32), row: f.local(i32), ix: f.local(i32),
      xp: f.local(i32), wv: f.local(v128), acc: [],
    };
    const L = l;
    while (L.acc.length < pixels) L.acc.push(f.local(v128));
    const acc = L.acc.slice(0, pixels);
    const { p } = fr;
    f.get(p.c).i32Const(-4).i32And().set(L.cVec);
    // channels [j, j + 4) (vector) or channel j (one lane: loaded splat, stored from lane 0)
    const channels = (vector: boolean): void => {
      const load = (): void => void (vector ? f.v128Load() : f.f32Load().f32x4Splat());
      const jBytes = (): void => void f.get(L.j).i32Const(2).i32Shl();
      f.get(fr.bias).if(
        () => {
          f.get(fr.bias);
          jBytes();
          f.i32Add();
          load();
          f.set(acc[0]);
          for (let i = 1; i < pixels; i++) f.get(acc[0]).set(acc[i]);
        },
        () => { for (const a of acc) f.f32x4Const(0).set(a); },
      );
      emitTaps(f, fr, checked, L.ky, L.kx, L.row, L.ix, () => {
        // wv = w[ky, kx, j…]; xp = &x[b, iy, ix, j]
        f.get(L.ky).get(p.kw).i32Mul().get(L.kx).i32Add().get(p.c).i32Mul().get(L.j).i32Add().i32Const(2).i32Shl().get(fr.w).i32Add();
        load();
        f.set(L.wv);
        f.get(L.row).get(L.ix).get(p.c).i32Mul().get(L.j).i32Add().i32Const(2).i32Shl().i32Add().set(L.xp);
        for (let i = 0; i < pixels; i++) {
          f.get(L.xp);
          if (i > 0) f.get(fr.xStep[i]).i32Add();
          load();
          if (fma) f.get(L.wv).get(acc[i]).f32x4RelaxedMadd().set(acc[i]);
          else f.get(L.wv).f32x4Mul().get(acc[i]).f32x4Add().set(acc[i]);
        }
      });
      for (let i = 0; i < pixels; i++) {
        f.get(fr.outPix);
        if (i > 0) f.get(fr.outStep[i]).i32Add();
        jBytes();
        f.i32Add().get(acc[i]);
        if (vector) f.v128Store();
        else f.f32x4ExtractLane(0).f32Store();
      }
    };
    f.forRange(L.j, (g) => g.i32Const(0), (g) => g.get(L.cVec), 4, () => channels(true));
    f.forRange(L.j, (g) => g.get(L.cVec), (g) => g.get(p.c), 1, () => channels(false));
  };
}

export const depthwiseConv2dKernel: WasmKernel<DepthwiseConv2dArgs<WasmArray>> = {
  emit: (mod, lib) => void emitDirectConv(mod, lib, 'depthwise_conv2d', BLOCK, depthwiseBody(lib.tiling.fma === true)),
  plan(a, ctx) {
    const g = depthwiseGeometry(a.shape, a.spec);
    const steps: Step[] = [];
    const { res } = residualOperand(a.residual ?? null, a.out, g.n * g.oh * g.ow, g.c, g.c, ctx, steps);
    const params = writeDirectConvParams(ctx, g);
    const bias = a.bias ? a.bias.ptr : 0;
    const act = activationId(wasmActivation(a.activation));
    const tasks = rowLanes(ctx, g.n * g.oh, g.ow * g.c * g.kh * g.kw).map(([r0, r1]) => ({
      kernel: 'depthwise_conv2d', args: [params, a.x.ptr, a.weight.ptr, bias, a.out.ptr, res, act, r0, r1],
    }));
    steps.push({ tasks });
    return steps;
  },
};
