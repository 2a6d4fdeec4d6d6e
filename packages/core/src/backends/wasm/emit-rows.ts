/**
 * Row-wise SIMD kernels: layer_norm and softmax over the last axis, each row in cache-resident passes
 * of f32x4 vectors plus a scalar tail (dim not a multiple of 4).
 *
 *   layer_norm(x, ldx, out, ldo, rows, segments, dim, weight, bias, eps)   for each of `segments` vectors of
 *       `dim` floats in each row (row strides ldx / ldo, floats): mean, then variance of (x - mean), then
 *       out = (x - mean) · rstd · weight + bias, rstd = 1/sqrt(var + eps); weight / bias 0 = none; out may be x.
 *   softmax(x, rows, cols, out)   max, then out = exp(x - max) and its sum, then out *= 1/sum; out may be x.
 *       A NaN makes its row NaN and an all -Infinity row is NaN, as in torch.
 *   online_softmax(...)   one key block of attention's online softmax (see below).
 */

import { emitExp } from './emit-math.js';
import { f32, i32, v128, type FunctionBuilder, type Local, type ModuleBuilder } from './module-builder.js';

const SWAP_HALVES = [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
const SWAP_PAIRS = [4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11];

/** Pushes the f32 reduction (add or max) of the four lanes of v. */
function emitHorizontal(f: FunctionBuilder, v: Local, op: 'add' | 'max'): void {
  const combine = (): void => void (op === 'add' ? f.f32x4Add() : f.f32x4Max());
  f.get(v).get(v).get(v).i8x16Shuffle(SWAP_HALVES);
  combine();
  f.set(v);
  f.get(v).get(v).get(v).i8x16Shuffle(SWAP_PAIRS);
  combine();
  f.f32x4ExtractLane(0);
}

/** `for (j = 0; j < vecEnd; j += 4) vector(); for (; j < end; j++) scalar();` with j in elements. */
function emitRowLoop(f: FunctionBuilder, j: Local, vecEnd: Local, end: Local, vector: () => void, scalar: () => void): void {
  f.forRange(j, (g) => g.i32Const(0), (g) => g.get(vecEnd), 4, vector);
  f.forRange(j, (g) => g.get(vecEnd), (g) => g.get(end), 1, scalar);
}

/** Pushes base + j·4. */
function at(f: FunctionBuilder, base: Local, j: Local): FunctionBuilder {
  return f.get(base).get(j).i32Const(2).i32Shl().i32Add();
}

export function emitLayerNorm(mod: ModuleBuilder): FunctionBuilder {
  return mod.function('layer_norm', [i32, i32, i32, i32, i32, i32, i32, i32, i32, f32], [], (f) => {
    const [xRows, ldx, outRows, ldo, rows, segments, dim, weight, bias, eps] = f.paramList();
    const r = f.local(i32), sg = f.local(i32), j = f.local(i32), dimVec = f.local(i32), rowBytes = f.local(i32);
    const x = f.local(i32), out = f.local(i32);
    const acc = f.local(v128), meanV = f.local(v128), rstdV = f.local(v128), y = f.local(v128), pivotV = f.local(v128);
    const sum = f.local(f32), mean = f.local(f32), rstd = f.local(f32), d = f.local(f32), pivot = f.local(f32);
    f.get(dim).i32Const(-4).i32And().set(dimVec);
    f.get(dim).i32Const(2).i32Shl().set(rowBytes);

    f.forRange(r, (g) => g.i32Const(0), (g) => g.get(rows), 1, () => {
      f.get(xRows).get(r).get(ldx).i32Mul().i32Const(2).i32Shl().i32Add().set(x);
      f.get(outRows).get(r).get(ldo).i32Mul().i32Const(2).i32Shl().i32Add().set(out);
      f.forRange(sg, (g) => g.i32Const(0), (g) => g.get(segments), 1, () => {
        // mean = x[0] + Σ(x - x[0]) / dim (shifted data): a constant row gets its value exactly, so its
        // deviations are 0 and the output is exactly the bias whatever eps; a row with a large mean keeps its
        // small deviations (x - x[0] is exact for nearby values).
        f.get(dim).if(() => void f.get(x).f32Load().set(pivot), () => void f.f32Const(0).set(pivot));
        f.get(pivot).f32x4Splat().set(pivotV);
        f.f32x4Const(0).set(acc);
        f.f32Const(0).set(sum);
        emitRowLoop(f, j, dimVec, dim,
          () => f.get(acc).ap(at(f, x, j).v128Load().get(pivotV).f32x4Sub()).f32x4Add().set(acc),
          () => f.get(sum).ap(at(f, x, j).f32Load().get(pivot).f32Sub()).f32Add().set(sum));
        emitHorizontal(f, acc, 'add');
        f.get(sum).f32Add().get(dim).f32ConvertI32S().f32Div().get(pivot).f32Add().tee(mean).f32x4Splat().set(meanV);
        // variance of the centred row (two passes over a row in L1: no cancellation)
        f.f32x4Const(0).set(acc);
        f.f32Const(0).set(sum);
        emitRowLoop(f, j, dimVec, dim,
          () => {
            at(f, x, j).v128Load().get(meanV).f32x4Sub().set(y);
            f.get(acc).get(y).get(y).f32x4Mul().f32x4Add().set(acc);
          },
          () => {
            at(f, x, j).f32Load().get(mean).f32Sub().set(d);
            f.get(sum).get(d).get(d).f32Mul().f32Add().set(sum);
          });
        emitHorizontal(f, acc, 'add');
        f.get(sum).f32Add().get(dim).f32ConvertI32S().f32Div().get(eps).f32Add().f32Sqrt().set(d);
        f.f32Const(1).get(d).f32Div().tee(rstd).f32x4Splat().set(rstdV);
        // normalise, scale, shift
        const affine = (load: (base: Local) => void, store: () => void): void => {
          f.get(weight).if(() => { f.get(y); load(weight); f.f32x4Mul().set(y); });
          f.get(bias).if(() => { f.get(y); load(bias); f.f32x4Add().set(y); });
          store();
        };
        emitRowLoop(f, j, dimVec, dim,
          () => {
            at(f, x, j).v128Load().get(meanV).f32x4Sub().get(rstdV).f32x4Mul().set(y);
            affine((base) => at(f, base, j).v128Load(), () => at(f, out, j).get(y).v128Store());
          },
          () => {
            at(f, x, j).f32Load().get(mean).f32Sub().get(rstd).f32Mul().f32x4Splat().set(y);
            affine((base) => at(f, base, j).f32Load().f32x4Splat(), () => at(f, out, j).get(y).f32x4ExtractLane(0).f32Store());
          });
        f.get(x).get(rowBytes).i32Add().set(x);
        f.get(out).get(rowBytes).i32Add().set(out);
      });
    });
  });
}

export function emitSoftmax(mod: ModuleBuilder): FunctionBuilder {
  return mod.function('softmax', [i32, i32, i32, i32], [], (f) => {
    const [x, rows, cols, out] = f.paramList();
    const r = f.local(i32), j = f.local(i32), colsVec = f.local(i32), rowBytes = f.local(i32);
    const acc = f.local(v128), maxV = f.local(v128), e = f.local(v128);
    const max = f.local(f32), sum = f.local(f32);
    f.get(cols).i32Const(-4).i32And().set(colsVec);
    f.get(cols).i32Const(2).i32Shl().set(rowBytes);

    f.forRange(r, (g) => g.i32Const(0), (g) => g.get(rows), 1, () => {
      f.f32x4Const(-Infinity).set(acc);
      f.f32Const(-Infinity).set(max);
      emitRowLoop(f, j, colsVec, cols,
        // pmax (one instruction) may drop a NaN from the max, but exp(NaN - max) still makes the row NaN
        () => f.get(acc).ap(at(f, x, j).v128Load()).f32x4Pmax().set(acc),
        () => f.get(max).ap(at(f, x, j).f32Load()).f32Max().set(max));
      emitHorizontal(f, acc, 'max');
      f.get(max).f32Max().tee(max).f32x4Splat().set(maxV);
      // out = exp(x - max), summed
      f.f32x4Const(0).set(acc);
      f.f32Const(0).set(sum);
      emitRowLoop(f, j, colsVec, cols,
        () => {
          at(f, x, j).v128Load().get(maxV).f32x4Sub().set(e);
          emitExp(f, e);
          f.set(e);
          at(f, out, j).get(e).v128Store();
          f.get(acc).get(e).f32x4Add().set(acc);
        },
        () => {
          at(f, x, j).f32Load().f32x4Splat().get(maxV).f32x4Sub().set(e);
          emitExp(f, e);
          f.f32x4ExtractLane(0).set(max); // `max` is no longer needed as the maximum: reuse it
          at(f, out, j).get(max).f32Store();
          f.get(sum).get(max).f32Add().set(sum);
        });
      emitHorizontal(f, acc, 'add');
      f.get(sum).f32Add().set(sum);
      f.f32Const(1).get(sum).f32Div().f32x4Splat().set(maxV);
      f.get(maxV).f32x4ExtractLane(0).set(sum);
      emitRowLoop(f, j, colsVec, cols,
        () => at(f, out, j).ap(at(f, out, j).v128Load()).get(maxV).f32x4Mul().v128Store(),
        () => at(f, out, j).ap(at(f, out, j).f32Load()).get(sum).f32Mul().f32Store());
      f.get(x).get(rowBytes).i32Add().set(x);
      f.get(out).get(rowBytes).i32Add().set(out);
    });
  });
}

/**
 * online_softmax(s, rows, cols, m, l, o, ldo, dim): one key block of the fused attention's online softmax.
 * For each row r of the score block s[rows, cols] (contiguous), with running max m[r] and sum l[r]:
 *   mNew = max(m[r], max_j s[r, j]);  s[r, :] = exp(s[r, :] - mNew);  a = exp(m[r] - mNew);
 *   l[r] = l[r]·a + Σ_j s[r, j];  o[r, 0..dim) *= a  (row stride ldo elements);  m[r] = mNew.
 * Start with m = -Infinity, l = 0, o = 0; afterwards o += s·V_block, and after the last block o / l.
 */
export function emitOnlineSoftmax(mod: ModuleBuilder): FunctionBuilder {
  return mod.function('online_softmax', [i32, i32, i32, i32, i32, i32, i32, i32], [], (f) => {
    const [sp, rows, cols, m, l, o, ldo, dim] = f.paramList();
    const r = f.local(i32), j = f.local(i32), colsVec = f.local(i32), dimVec = f.local(i32), oRowBytes = f.local(i32);
    const acc = f.local(v128), mNewV = f.local(v128), e = f.local(v128), alphaV = f.local(v128);
    const mNew = f.local(f32), sum = f.local(f32), t = f.local(f32), mOld = f.local(f32);
    f.get(cols).i32Const(-4).i32And().set(colsVec);
    f.get(dim).i32Const(-4).i32And().set(dimVec);
    f.get(ldo).i32Const(2).i32Shl().set(oRowBytes);

    f.forRange(r, (g) => g.i32Const(0), (g) => g.get(rows), 1, () => {
      // block max, then the new running max
      f.f32x4Const(-Infinity).set(acc);
      f.f32Const(-Infinity).set(mNew);
      emitRowLoop(f, j, colsVec, cols,
        () => f.get(acc).ap(at(f, sp, j).v128Load()).f32x4Pmax().set(acc),
        () => f.get(mNew).ap(at(f, sp, j).f32Load()).f32Max().set(mNew));
      emitHorizontal(f, acc, 'max');
      f.get(m).f32Load().set(mOld);
      f.get(mNew).f32Max().get(mOld).f32Max().tee(mNew).f32x4Splat().set(mNewV);
      // a = exp(m_old - mNew), as a vector (all lanes equal)
      f.get(mOld).f32x4Splat().get(mNewV).f32x4Sub().set(e);
      emitExp(f, e);
      f.set(alphaV);
      // s = exp(s - mNew), summed
      f.f32x4Const(0).set(acc);
      f.f32Const(0).set(sum);
      emitRowLoop(f, j, colsVec, cols,
        () => {
          at(f, sp, j).v128Load().get(mNewV).f32x4Sub().set(e);
          emitExp(f, e);
          f.set(e);
          at(f, sp, j).get(e).v128Store();
          f.get(acc).get(e).f32x4Add().set(acc);
        },
        () => {
          at(f, sp, j).f32Load().f32x4Splat().get(mNewV).f32x4Sub().set(e);
          emitExp(f, e);
          f.f32x4ExtractLane(0).set(t);
          at(f, sp, j).get(t).f32Store();
          f.get(sum).get(t).f32Add().set(sum);
        });
      emitHorizontal(f, acc, 'add');
      f.get(sum).f32Add().set(sum);
      // l = l·a + sum; m = mNew
      f.get(l).get(l).f32Load().get(alphaV).f32x4ExtractLane(0).f32Mul().get(sum).f32Add().f32Store();
      f.get(m).get(mNew).f32Store();
      // o row *= a (only when the max moved: a = 1 otherwise, which after the first blocks is the usual case)
      f.get(mOld).get(mNew).f32Ne().if(() => {
        emitRowLoop(f, j, dimVec, dim,
          () => at(f, o, j).ap(at(f, o, j).v128Load()).get(alphaV).f32x4Mul().v128Store(),
          () => at(f, o, j).ap(at(f, o, j).f32Load()).get(alphaV).f32x4ExtractLane(0).f32Mul().f32Store());
      });
      f.get(sp).get(cols).i32Const(2).i32Shl().i32Add().set(sp);
      f.get(o).get(oRowBytes).i32Add().set(o);
      f.get(m).i32Const(4).i32Add().set(m);
      f.get(l).i32Const(4).i32Add().set(l);
    });
  });
}
