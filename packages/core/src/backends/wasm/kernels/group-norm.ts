/**
 * Op `groupNorm` on the 'wasm' backend: an emitted SIMD kernel, the lanes splitting the groups (a lane owns
 * the channels [c0, c1) of whole groups, in every sample, so each value is computed the same whatever the
 * split). Per sample, three sweeps over the pixels, vectorised over the lane's contiguous channels:
 *
 *   1. per-channel sums, in blocks of 64 pixels summed into the total (error ∝ 64 + pixels/64, not pixels);
 *      each group's mean from its channels' sums;
 *   2. per-channel sums of squared deviations from the group mean (the same blocks); each group's rstd;
 *   3. out = (x − mean)·rstd·w + b; then the GEMM's epilogue applies the activation over the lane's block.
 *
 *   group_norm(x, out, n, pixels, c, c0, c1, cg, weight, bias, eps, scratch, act)
 *     scratch: 4·(c1 − c0) floats private to the lane; weight / bias 0 = none; act: the epilogue's id.
 */

import { groupNormSizes, type GroupNormArgs } from '../../../ops/group-norm.js';
import { activationId } from '../emit-gemm.js';
import type { EmitLibrary } from '../emit-library.js';
import { f32, i32, v128, type FunctionBuilder, type Local, type ModuleBuilder } from '../module-builder.js';
import { MIN_FLOATS_PER_LANE, splitRows, type WasmKernel } from '../plan.js';
import type { WasmArray } from '../wasm-array.js';
import { wasmActivation } from './linear.js';

const PIXEL_BLOCK = 64;

function emitGroupNorm(mod: ModuleBuilder, lib: EmitLibrary): FunctionBuilder {
  const epilogue = lib.epilogue();
  return mod.function('group_norm', [i32, i32, i32, i32, i32, i32, i32, i32, i32, i32, f32, i32, i32], [], (f) => {
    const [x, out, n, pixels, c, c0, c1, cg, weight, bias, eps, scratch, act] = f.paramList();
    const b = f.local(i32), p = f.local(i32), p0 = f.local(i32), p1 = f.local(i32), j = f.local(i32), g = f.local(i32), k = f.local(i32);
    const width = f.local(i32), widthVec = f.local(i32), rowBytes = f.local(i32), xs = f.local(i32), os = f.local(i32);
    const row = f.local(i32), orow = f.local(i32), tot = f.local(i32), blk = f.local(i32), meanP = f.local(i32), rstdP = f.local(i32);
    const w0 = f.local(i32), b0 = f.local(i32);
    const count = f.local(f32), s = f.local(f32), y = f.local(v128), t = f.local(v128);

    f.get(c1).get(c0).i32Sub().set(width);
    f.get(width).i32Const(-4).i32And().set(widthVec);
    f.get(c).i32Const(2).i32Shl().set(rowBytes);
    f.get(pixels).get(cg).i32Mul().f32ConvertI32S().set(count);
    f.get(scratch).set(tot);
    f.get(tot).get(width).i32Const(2).i32Shl().i32Add().set(blk);
    f.get(blk).get(width).i32Const(2).i32Shl().i32Add().set(meanP);
    f.get(meanP).get(width).i32Const(2).i32Shl().i32Add().set(rstdP);
    f.get(weight).get(c0).i32Const(2).i32Shl().i32Add().set(w0);
    f.get(bias).get(c0).i32Const(2).i32Shl().i32Add().set(b0);

    const at = (base: Local): FunctionBuilder => f.get(base).get(j).i32Const(2).i32Shl().i32Add();
    const load = (vec: boolean): void => void (vec ? f.v128Load() : f.f32Load().f32x4Splat());
    const store = (vec: boolean): void => void (vec ? f.v128Store() : f.f32x4ExtractLane(0).f32Store());
    /** for j over the lane's channels: body(true) four at a time, then body(false) one at a time. */
    const channels = (body: (vec: boolean) => void): void => {
      f.forRange(j, (q) => q.i32Const(0), (q) => q.get(widthVec), 4, () => body(true));
      f.forRange(j, (q) => q.get(widthVec), (q) => q.get(width), 1, () => body(false));
    };
    const zero = (base: Local): void => channels((vec) => { at(base).f32x4Const(0); store(vec); });
    /** tot = Σ over pixel blocks of (Σ over the block's pixels of term(row)). */
    const blockSums = (term: (vec: boolean) => void): void => {
      zero(tot);
      f.forRange(p0, (q) => q.i32Const(0), (q) => q.get(pixels), PIXEL_BLOCK, () => {
        f.get(p0).i32Const(PIXEL_BLOCK).i32Add().set(p1);
        f.get(pixels).get(p1).get(p1).get(pixels).i32GtS().select().set(p1);
        zero(blk);
        f.forRange(p, (q) => q.get(p0), (q) => q.get(p1), 1, () => {
          f.get(xs).get(p).get(rowBytes).i32Mul().i32Add().set(row);
          channels((vec) => { at(blk); at(blk); load(vec); term(vec); f.f32x4Add(); store(vec); });
        });
        channels((vec) => { at(tot); at(tot); load(vec); at(blk); load(vec); f.f32x4Add(); store(vec); });
      });
    };
    /** For each group of the lane: fill target[group] with value(Σ tot[group]) (pushed as an f32 from `s`). */
    const perGroup = (target: Local, value: () => void): void => {
      f.forRange(g, (q) => q.i32Const(0), (q) => q.get(width), cg, () => {
        f.f32Const(0).set(s);
        f.forRange(k, (q) => q.get(g), (q) => q.get(g).get(cg).i32Add(), 1, () => {
          f.get(s).get(tot).get(k).i32Const(2).i32Shl().i32Add().f32Load().f32Add().set(s);
        });
        value();
        f.set(s);
        f.forRange(k, (q) => q.get(g), (q) => q.get(g).get(cg).i32Add(), 1, () => {
          f.get(target).get(k).i32Const(2).i32Shl().i32Add().get(s).f32Store();
        });
      });
    };

    f.forRange(b, (q) => q.i32Const(0), (q) => q.get(n), 1, () => {
      f.get(b).get(pixels).i32Mul().get(rowBytes).i32Mul().get(c0).i32Const(2).i32Shl().i32Add().tee(xs).get(x).i32Add().set(xs);
      f.get(xs).get(x).i32Sub().get(out).i32Add().set(os);
      // 1. the means
      blockSums((vec) => { at(row); load(vec); });
      perGroup(meanP, () => void f.get(s).get(count).f32Div());
      // 2. the variances → rstd
      blockSums((vec) => {
        at(row); load(vec); at(meanP); load(vec); f.f32x4Sub().tee(t).get(t).f32x4Mul();
      });
      perGroup(rstdP, () => void f.f32Const(1).get(s).get(count).f32Div().get(eps).f32Add().f32Sqrt().f32Div());
      // 3. normalise, scale, shift
      f.forRange(p, (q) => q.i32Const(0), (q) => q.get(pixels), 1, () => {
        f.get(xs).get(p).get(rowBytes).i32Mul().i32Add().set(row);
        f.get(os).get(p).get(rowBytes).i32Mul().i32Add().set(orow);
        channels((vec) => {
          at(row); load(vec); at(meanP); load(vec); f.f32x4Sub(); at(rstdP); load(vec); f.f32x4Mul().set(y);
          f.get(weight).if(() => { f.get(y); at(w0); load(vec); f.f32x4Mul().set(y); });
          f.get(bias).if(() => { f.get(y); at(b0); load(vec); f.f32x4Add().set(y); });
          at(orow).get(y);
          store(vec);
        });
      });
      f.get(act).if(() => {
        f.get(os).get(c).get(pixels).get(width).i32Const(0).i32Const(0).i32Const(0).get(act).call(epilogue, mod);
      });
    });
  });
}

export const groupNormKernel: WasmKernel<GroupNormArgs<WasmArray>> = {
  emit: (mod, lib) => void emitGroupNorm(mod, lib),
  plan(a, ctx) {
    const [n, pixels, c, cg] = groupNormSizes(a);
    if (n * pixels * c === 0) return [];
    const act = activationId(wasmActivation(a.activation));
    const ranges = splitRows(a.groups, ctx.lanes, Math.ceil(MIN_FLOATS_PER_LANE / (n * pixels * cg)));
    const tasks = ranges.map(([g0, g1]) => ({
      kernel: 'group_norm',
      args: [
        a.x.ptr, a.out.ptr, n, pixels, c, g0 * cg, g1 * cg, cg, a.weight ? a.weight.ptr : 0, a.bias ? a.bias.ptr : 0, a.eps,
        ctx.temp(4 * (g1 - g0) * cg), act,
      ],
    }));
    return [{ tasks }];
  },
};
