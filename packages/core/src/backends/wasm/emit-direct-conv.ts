/**
 * The frame of the direct (im2row-free) convolutions on channels-last maps — the grouped conv2d and the
 * depthwise conv: a driver that walks output rows and pixel blocks and hands each block to a kernel's own
 * channel loop, then runs the GEMM's epilogue (activation, residual) over the finished output row while it
 * is in L1.
 *
 *   <name>(params, x, w, bias, out, res, act, r0, r1)   output rows [r0, r1) of the n·oh rows; params: the
 *       i32 block of writeDirectConvParams (sizes, stride, dilation, padding, the interior columns);
 *       bias / res 0 = none; act: the epilogue's activation id.
 *
 * Columns whose every kernel tap lies inside the input (the interior, [oxLo, oxHi)) run in blocks of
 * `block` pixels without bounds checks; the border columns one pixel at a time with checks. Zero padding
 * contributes nothing, so taps outside the input are skipped. Each output is summed in the same order
 * whatever the rows a lane gets: results are bit-identical for any thread count.
 */

import type { ConvGeometry } from '../../ops/conv2d.js';
import type { EmitLibrary } from './emit-library.js';
import { i32, type FunctionBuilder, type Local, type ModuleBuilder } from './module-builder.js';
import type { PlanContext } from './plan.js';

const PARAMS = ['h', 'w', 'c', 'o', 'cg', 'og', 'oh', 'ow', 'kh', 'kw', 'sh', 'sw', 'dh', 'dw', 'padTop', 'padLeft', 'oxLo', 'oxHi'] as const;
type Param = (typeof PARAMS)[number];

/** The i32 parameter block of one conv call (PARAMS order). */
export function directConvParams(g: ConvGeometry): number[] {
  // interior: ox·sw − padLeft ≥ 0 and ox·sw − padLeft + (kw − 1)·dw ≤ w − 1
  const oxLo = Math.min(g.ow, Math.ceil(g.padLeft / g.sw));
  const last = g.w - 1 + g.padLeft - (g.kw - 1) * g.dw;
  const oxHi = last < 0 ? oxLo : Math.max(oxLo, Math.min(g.ow, Math.floor(last / g.sw) + 1));
  const values: Record<Param, number> = {
    h: g.h, w: g.w, c: g.c, o: g.o, cg: g.c / g.groups, og: g.o / g.groups, oh: g.oh, ow: g.ow, kh: g.kh, kw: g.kw,
    sh: g.sh, sw: g.sw, dh: g.dh, dw: g.dw, padTop: g.padTop, padLeft: g.padLeft, oxLo, oxHi,
  };
  return PARAMS.map((p) => values[p]);
}

/** Writes the parameter block into a temporary heap block; returns its pointer. */
export function writeDirectConvParams(ctx: PlanContext, g: ConvGeometry): number {
  const values = directConvParams(g);
  const ptr = ctx.temp(values.length);
  new Int32Array(ctx.heap.memory.buffer, ptr, values.length).set(values);
  return ptr;
}

/** What a kernel's block body may read (all i32 locals; byte addresses). */
export interface DirectConvFrame {
  readonly p: Readonly<Record<Param, Local>>;
  readonly w: Local;
  readonly bias: Local;
  /** &x[b, 0, 0, 0] of the current output row's image. */
  readonly xImg: Local;
  /** Input row / column of tap (0, 0) for the block's first pixel (may be negative). */
  readonly iy0: Local;
  readonly ix0: Local;
  /** &out[b, oy, ox, 0] of the block's first pixel. */
  readonly outPix: Local;
  /** Bytes of one input row (w·c·4) and of one pixel (c·4). */
  readonly inRowBytes: Local;
  /** xStep[i] = i·sw·c·4 and outStep[i] = i·o·4: the block's pixel i relative to pixel 0. */
  readonly xStep: readonly Local[];
  readonly outStep: readonly Local[];
}

/**
 * The body of one pixel block: computes the `pixels` outputs (every channel, with bias, no activation) at
 * frame.outPix + outStep[i]. `checked`: some taps of the (single) pixel may fall left or right of the input.
 */
export type DirectConvBody = (f: FunctionBuilder, frame: DirectConvFrame, pixels: number, checked: boolean) => void;

/** Emits the exported driver `name` around `body` (see the file comment). */
export function emitDirectConv(mod: ModuleBuilder, lib: EmitLibrary, name: string, block: number, body: DirectConvBody): FunctionBuilder {
  const epilogue = lib.epilogue();
  return mod.function(name, [i32, i32, i32, i32, i32, i32, i32, i32, i32], [], (f) => {
    const [params, x, w, bias, out, res, act, r0, r1] = f.paramList();
    const p = Object.fromEntries(PARAMS.map((name, i) => {
      const l = f.local(i32);
      f.get(params).i32Load(4 * i).set(l);
      return [name, l];
    })) as Record<Param, Local>;
    const r = f.local(i32), b = f.local(i32), oy = f.local(i32), ox = f.local(i32), end = f.local(i32);
    const xImg = f.local(i32), iy0 = f.local(i32), ix0 = f.local(i32), outRow = f.local(i32), outPix = f.local(i32);
    const inRowBytes = f.local(i32), imgBytes = f.local(i32), outRowElems = f.local(i32);
    const xStep = Array.from({ length: block }, () => f.local(i32));
    const outStep = Array.from({ length: block }, () => f.local(i32));
    f.get(p.w).get(p.c).i32Mul().i32Const(2).i32Shl().set(inRowBytes);
    f.get(inRowBytes).get(p.h).i32Mul().set(imgBytes);
    f.get(p.ow).get(p.o).i32Mul().set(outRowElems);
    for (let i = 0; i < block; i++) {
      f.get(p.sw).get(p.c).i32Mul().i32Const(4 * i).i32Mul().set(xStep[i]);
      f.get(p.o).i32Const(4 * i).i32Mul().set(outStep[i]);
    }
    const frame: DirectConvFrame = { p, w, bias, xImg, iy0, ix0, outPix, inRowBytes, xStep, outStep };
    const at = (): void => {
      f.get(ox).get(p.sw).i32Mul().get(p.padLeft).i32Sub().set(ix0);
      f.get(outRow).get(ox).get(p.o).i32Mul().i32Const(2).i32Shl().i32Add().set(outPix);
    };

    f.forRange(r, (g) => g.get(r0), (g) => g.get(r1), 1, () => {
      f.get(r).get(p.oh).i32DivU().set(b);
      f.get(r).get(b).get(p.oh).i32Mul().i32Sub().set(oy);
      f.get(x).get(b).get(imgBytes).i32Mul().i32Add().set(xImg);
      f.get(oy).get(p.sh).i32Mul().get(p.padTop).i32Sub().set(iy0);
      f.get(out).get(r).get(outRowElems).i32Mul().i32Const(2).i32Shl().i32Add().set(outRow);
      // left border, interior blocks, the interior's rest, right border
      f.forRange(ox, (g) => g.i32Const(0), (g) => g.get(p.oxLo), 1, () => { at(); body(f, frame, 1, true); });
      f.get(p.oxHi).i32Const(block - 1).i32Sub().set(end);
      f.forRange(ox, (g) => g.get(p.oxLo), (g) => g.get(end), block, () => { at(); body(f, frame, block, false); });
      f.get(p.oxLo).get(ox).get(ox).get(p.oxLo).i32LtS().select().set(ox);
      f.forRange(ox, (g) => g.get(ox), (g) => g.get(p.oxHi), 1, () => { at(); body(f, frame, 1, false); });
      f.get(p.oxHi).get(p.oxLo).get(p.oxHi).get(p.oxLo).i32GtS().select().set(ox);
      f.forRange(ox, (g) => g.get(ox), (g) => g.get(p.ow), 1, () => { at(); body(f, frame, 1, true); });
      // + activation, + residual over the row
      f.get(act).get(res).i32Or().if(() => {
        f.get(outRow).get(outRowElems).i32Const(1).get(outRowElems).i32Const(0);
        f.get(res).get(r).get(outRowElems).i32Mul().i32Const(2).i32Shl().i32Add().i32Const(0).get(res).select();
        f.get(outRowElems).get(act).call(epilogue, mod);
      });
    });
  });
}

/**
 * `for ky in 0..kh` over the taps whose input row lies inside the input, and inside it `for kx in 0..kw`
 * (with `checked`, only taps whose column lies inside for the single pixel). `tap(rowPtr, ix)` gets
 * rowPtr = &x[b, iy, 0, 0] and ix = the block's first pixel's input column of this tap.
 */
export function emitTaps(f: FunctionBuilder, frame: DirectConvFrame, checked: boolean, ky: Local, kx: Local, rowPtr: Local, ix: Local, tap: () => void): void {
  const { p } = frame;
  const iy = rowPtr; // reused: the row index, then the row's address
  f.forRange(ky, (g) => g.i32Const(0), (g) => g.get(p.kh), 1, (_brk, next) => {
    f.get(frame.iy0).get(ky).get(p.dh).i32Mul().i32Add().tee(iy);
    f.get(p.h).i32GeU().brIf(next); // iy < 0 is a large unsigned value
    f.get(frame.xImg).get(iy).get(frame.inRowBytes).i32Mul().i32Add().set(rowPtr);
    f.forRange(kx, (g) => g.i32Const(0), (g) => g.get(p.kw), 1, (_brk2, next2) => {
      f.get(frame.ix0).get(kx).get(p.dw).i32Mul().i32Add().set(ix);
      if (checked) f.get(ix).get(p.w).i32GeU().brIf(next2);
      tap();
    });
  });
}
