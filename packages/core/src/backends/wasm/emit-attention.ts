/**
 * The attention drivers, emitted, so that one call computes whole (batch, head) units and a worker can run
 * its share of the heads without coming back to JS. `params` points to ATTENTION_FIELDS i32 / f32 fields
 * (see AttentionField). For each unit u in [unitStart, unitEnd), b = u / heads, h = u % heads, both first
 * pack K_h (times scale) into key blocks of kb keys, each the GEMM's B = K_blockᵀ [d, kb], and V_h into key
 * blocks, each B = V_block [kb, d] (lane scratch). Then:
 *
 * attention_fused (flash-attention order: query tiles × key blocks, online softmax)
 *   for each tile of qb queries:  O = 0, m = -Infinity, l = 0
 *     for each key block:  S = q_tile · K_blockᵀ   (gemm)          S: [qb, kb], in L1/L2 with O [qb, d]
 *                          S += bias block, S += attnMask block  (the GEMM's epilogue as a residual add)
 *                          online_softmax(S, m, l, O)           exp in place, rescale O when the max moved
 *                          O += S · V_block   (gemm, accumulate)
 *     out_tile = O / l
 *   Memory per lane is linear in the sequence: packed K and V of one head, S and O of one query tile.
 *
 * attention_eager (the probabilities materialised, as transformers' eager path)
 *   S = q_h · K_hᵀ [nq, nk] (gemm); S += bias, S += attnMask; softmax over each row; S ·= mask[h] (if a mask); copy S to
 *   probs[u] (if asked); out_h = S · V_h (gemm).
 */

import { GEMM_ACCUMULATE, type GemmTiling } from './emit-gemm.js';
import { f32, i32, v128, type FunctionBuilder, type Local, type ModuleBuilder } from './module-builder.js';

/** Field indices of the attention parameter block (4 bytes each; `scale` is an f32, the rest i32). */
export const AttentionField = {
  q: 0, ldq: 1, k: 2, ldk: 3, v: 4, ldv: 5, out: 6, ldo: 7, unitStart: 8, unitEnd: 9, heads: 10,
  nq: 11, nk: 12, d: 13, kb: 14, scale: 15, kPack: 16, vPack: 17, s: 18, m: 19, l: 20, o: 21, scratch: 22,
  /** Query rows per tile (fused). */
  qb: 23,
  /** Eager: where the probabilities of unit u go (probs + u·nq·nk floats), or 0. */
  probs: 24,
  /** Eager: the head mask [heads], or 0. */
  mask: 25,
  /** The additive score bias [heads, nq, nk], or 0. */
  bias: 26,
  /** The additive mask [windows, nq, nk], or 0; batch b adds mask b mod windows. */
  attnMask: 27,
  windows: 28,
} as const;
export const ATTENTION_FIELDS = 29;

/** Stores `value` (an f32 pushed by `push`) into `count` floats from `ptr`. */
function emitFill(f: FunctionBuilder, ptr: Local, count: Local, i: Local, push: () => void): void {
  f.forRange(i, (g) => g.i32Const(0), (g) => g.get(count), 1, () => {
    f.get(ptr).get(i).i32Const(2).i32Shl().i32Add();
    push();
    f.f32Store();
  });
}

interface Driver {
  f: FunctionBuilder;
  field: Readonly<Record<keyof typeof AttentionField, Local>>;
  scale: Local;
  u: Local; b: Local; h: Local;
  /** Heap pointers of head h of batch b: q(b, 0, h, 0), out(b, 0, h, 0). */
  qh: Local; oh: Local;
  blocks: Local; kBlockBytes: Local; vBlockBytes: Local; dPad: Local;
  /** Spare i32 locals for the bodies. */
  tmp: Local[];
}

/**
 * Emits a driver: reads the parameter block, then for each unit computes the head pointers, packs K_h and
 * V_h into the lane's key blocks, and runs `body`.
 */
function emitDriver(mod: ModuleBuilder, name: string, NR: number, body: (dr: Driver) => void): FunctionBuilder {
  return mod.function(name, [i32], [], (f) => {
    const [params] = f.paramList();
    const field = {} as Record<keyof typeof AttentionField, Local>;
    for (const key of Object.keys(AttentionField) as (keyof typeof AttentionField)[]) {
      if (key === 'scale') continue;
      const l = f.local(i32);
      f.get(params).i32Load(4 * AttentionField[key]).set(l);
      field[key] = l;
    }
    const scale = f.local(f32);
    f.get(params).f32Load(4 * AttentionField.scale).set(scale);
    const { k, ldk, v, ldv, unitStart, unitEnd, heads, nq, nk, d, kb, kPack, vPack } = field;

    const u = f.local(i32), b = f.local(i32), h = f.local(i32), j = f.local(i32), c = f.local(i32), i = f.local(i32);
    const blocks = f.local(i32), blk = f.local(i32), jj = f.local(i32), p = f.local(i32);
    const kBlockBytes = f.local(i32), vBlockBytes = f.local(i32), dPad = f.local(i32), count = f.local(i32);
    const qh = f.local(i32), kh = f.local(i32), vh = f.local(i32), oh = f.local(i32);
    const src = f.local(i32), dst = f.local(i32), kbLen = f.local(i32);
    const tmp = Array.from({ length: 8 }, () => f.local(i32));

    // blocks = ⌈nk / kb⌉; a packed K block is d × kb floats (kb is a multiple of NR), a V block ≤ kb × dPad
    f.get(nk).get(kb).i32Add().i32Const(1).i32Sub().get(kb).i32DivU().set(blocks);
    f.get(kb).get(d).i32Mul().i32Const(2).i32Shl().set(kBlockBytes);
    f.get(d).i32Const(NR - 1).i32Add().i32Const(NR).i32DivU().i32Const(NR).i32Mul().set(dPad);
    f.get(kb).get(dPad).i32Mul().i32Const(2).i32Shl().set(vBlockBytes);

    f.forRange(u, (g) => g.get(unitStart), (g) => g.get(unitEnd), 1, () => {
      f.get(u).get(heads).i32DivU().set(b);
      f.get(u).get(heads).i32RemU().set(h);
      const headPtr = (base: Local, rows: Local, ld: Local, target: Local): void => {
        f.get(base).get(b).get(rows).i32Mul().get(ld).i32Mul().get(h).get(d).i32Mul().i32Add().i32Const(2).i32Shl().i32Add().set(target);
      };
      headPtr(field.q, nq, field.ldq, qh);
      headPtr(k, nk, ldk, kh);
      headPtr(v, nk, ldv, vh);
      headPtr(field.out, nq, field.ldo, oh);

      // Pack K_h·scale: key j goes to block j / kb, panel (j % kb) / NR, lane j % NR; padding stays 0.
      f.get(blocks).get(kBlockBytes).i32Mul().i32Const(2).i32ShrU().set(count);
      emitFill(f, kPack, count, i, () => f.f32Const(0));
      f.forRange(j, (g) => g.i32Const(0), (g) => g.get(nk), 1, () => {
        f.get(j).get(kb).i32DivU().set(blk);
        f.get(j).get(blk).get(kb).i32Mul().i32Sub().set(jj);
        f.get(jj).i32Const(NR).i32DivU().set(p);
        f.get(kPack).get(blk).get(kBlockBytes).i32Mul().i32Add();
        f.get(p).get(d).i32Mul().i32Const(NR).i32Mul().get(jj).i32Add().get(p).i32Const(NR).i32Mul().i32Sub().i32Const(2).i32Shl().i32Add().set(dst);
        f.get(kh).get(j).get(ldk).i32Mul().i32Const(2).i32Shl().i32Add().set(src);
        f.forRange(c, (g) => g.i32Const(0), (g) => g.get(d), 1, () => {
          f.get(dst).get(src).get(c).i32Const(2).i32Shl().i32Add().f32Load().get(scale).f32Mul().f32Store();
          f.addTo(dst, NR * 4);
        });
      });
      // Pack V_h: in block blk (kbLen keys), value (jj, c) goes to panel c / NR, row jj, lane c % NR.
      f.get(blocks).get(vBlockBytes).i32Mul().i32Const(2).i32ShrU().set(count);
      emitFill(f, vPack, count, i, () => f.f32Const(0));
      f.forRange(j, (g) => g.i32Const(0), (g) => g.get(nk), 1, () => {
        f.get(j).get(kb).i32DivU().set(blk);
        f.get(j).get(blk).get(kb).i32Mul().i32Sub().set(jj);
        f.get(nk).get(blk).get(kb).i32Mul().i32Sub().set(kbLen);
        f.get(kb).get(kbLen).get(kbLen).get(kb).i32GtS().select().set(kbLen);
        f.get(vh).get(j).get(ldv).i32Mul().i32Const(2).i32Shl().i32Add().set(src);
        f.get(vPack).get(blk).get(vBlockBytes).i32Mul().i32Add().get(jj).i32Const(NR * 4).i32Mul().i32Add().set(dst);
        f.forRange(c, (g) => g.i32Const(0), (g) => g.get(d), 1, () => {
          f.get(c).i32Const(NR).i32DivU().set(p);
          f.get(dst).get(p).get(kbLen).i32Mul().i32Const(NR).i32Mul().get(c).i32Add().get(p).i32Const(NR).i32Mul().i32Sub().i32Const(2).i32Shl().i32Add();
          f.get(src).get(c).i32Const(2).i32Shl().i32Add().f32Load();
          f.f32Store();
        });
      });
      body({ f, field, scale, u, b, h, qh, oh, blocks, kBlockBytes, vBlockBytes, dPad, tmp });
    });
  });
}

/** Calls the exported gemm: C = A·B (or C += with `accumulate`), rows [0, m) and every panel of n columns. */
function callGemm(
  f: FunctionBuilder, mod: ModuleBuilder, gemm: FunctionBuilder, NR: number,
  a: () => void, lda: () => void, b: () => void, k: () => void, c: () => void, ldc: () => void, m: () => void, n: () => void,
  accumulate: boolean, scratch: Local,
): void {
  a(); lda(); b(); k(); c(); ldc();
  f.i32Const(0); m();
  f.i32Const(0); n(); f.i32Const(NR - 1).i32Add().i32Const(NR).i32DivU();
  n();
  f.i32Const(accumulate ? GEMM_ACCUMULATE : 0).i32Const(0).i32Const(0).i32Const(0).get(scratch).call(gemm, mod);
}

/** out rows [rows × d] (row stride ldo floats) = O (row stride d) · (1 / l[r]) · factor. */
function emitNormalize(f: FunctionBuilder, dst: Local, ldo: Local, o: Local, l: Local, rows: Local, d: Local, i: Local, c: Local, inv: Local, rowPtr: Local, srcPtr: Local): void {
  f.forRange(i, (g) => g.i32Const(0), (g) => g.get(rows), 1, () => {
    f.f32Const(1).get(l).get(i).i32Const(2).i32Shl().i32Add().f32Load().f32Div().set(inv);
    f.get(dst).get(i).get(ldo).i32Mul().i32Const(2).i32Shl().i32Add().set(rowPtr);
    f.get(o).get(i).get(d).i32Mul().i32Const(2).i32Shl().i32Add().set(srcPtr);
    f.forRange(c, (g) => g.i32Const(0), (g) => g.get(d), 1, () => {
      f.get(rowPtr).get(c).i32Const(2).i32Shl().i32Add();
      f.get(srcPtr).get(c).i32Const(2).i32Shl().i32Add().f32Load().get(inv).f32Mul();
      f.f32Store();
    });
  });
}

/**
 * S[rows, cols] (row stride cols) += terms(index, row0.., col0..) for the bias (index h) and the mask (index
 * b mod windows), each [·, nq, nk]: the exported epilogue with the block as its residual.
 */
function emitScoreTerms(f: FunctionBuilder, mod: ModuleBuilder, epilogue: FunctionBuilder, dr: Driver, s: Local, rows: () => void, cols: () => void, row0: () => void, col0: () => void): void {
  const { field, b, h } = dr;
  const add = (terms: Local, index: () => void): void => {
    f.get(terms).if(() => {
      f.get(s); cols(); rows(); cols(); f.i32Const(0);
      // terms + ((index·nq + row0)·nk + col0)·4
      f.get(terms); index(); f.get(field.nq).i32Mul(); row0(); f.i32Add().get(field.nk).i32Mul(); col0(); f.i32Add().i32Const(2).i32Shl().i32Add();
      f.get(field.nk).i32Const(0).call(epilogue, mod);
    });
  };
  add(field.bias, () => f.get(h));
  add(field.attnMask, () => f.get(b).get(field.windows).i32RemU());
}

export function emitAttention(mod: ModuleBuilder, t: GemmTiling, gemm: FunctionBuilder, epilogue: FunctionBuilder, onlineSoftmax: FunctionBuilder, softmax: FunctionBuilder): void {
  const NR = t.nr;

  emitDriver(mod, 'attention_fused', NR, (dr) => {
    const { f, field, blocks, kBlockBytes, vBlockBytes, qh, oh, tmp } = dr;
    const { nq, nk, d, kb, kPack, vPack, s, m, l, o, scratch, qb, ldq, ldo } = field;
    const [q0, rows, blk, cols, qp, op, i, count] = tmp;
    const c = f.local(i32), rowPtr = f.local(i32), srcPtr = f.local(i32), inv = f.local(f32);
    f.forRange(q0, (g) => g.i32Const(0), (g) => g.get(nq), qb, () => {
      f.get(nq).get(q0).i32Sub().set(rows);
      f.get(qb).get(rows).get(rows).get(qb).i32GtS().select().set(rows);
      f.get(qh).get(q0).get(ldq).i32Mul().i32Const(2).i32Shl().i32Add().set(qp);
      f.get(oh).get(q0).get(ldo).i32Mul().i32Const(2).i32Shl().i32Add().set(op);
      // O = 0, m = -Infinity, l = 0 for the tile
      f.get(rows).get(d).i32Mul().set(count);
      emitFill(f, o, count, i, () => f.f32Const(0));
      emitFill(f, m, rows, i, () => f.f32Const(-Infinity));
      emitFill(f, l, rows, i, () => f.f32Const(0));
      f.forRange(blk, (g) => g.i32Const(0), (g) => g.get(blocks), 1, () => {
        f.get(nk).get(blk).get(kb).i32Mul().i32Sub().set(cols);
        f.get(kb).get(cols).get(cols).get(kb).i32GtS().select().set(cols);
        // S = q_tile · K_blockᵀ
        callGemm(f, mod, gemm, NR,
          () => f.get(qp), () => f.get(ldq), () => f.get(kPack).get(blk).get(kBlockBytes).i32Mul().i32Add(), () => f.get(d),
          () => f.get(s), () => f.get(cols), () => f.get(rows), () => f.get(cols), false, scratch);
        emitScoreTerms(f, mod, epilogue, dr, s, () => f.get(rows), () => f.get(cols), () => f.get(q0), () => f.get(blk).get(kb).i32Mul());
        f.get(s).get(rows).get(cols).get(m).get(l).get(o).get(d).get(d).call(onlineSoftmax, mod);
        // O += S · V_block
        callGemm(f, mod, gemm, NR,
          () => f.get(s), () => f.get(cols), () => f.get(vPack).get(blk).get(vBlockBytes).i32Mul().i32Add(), () => f.get(cols),
          () => f.get(o), () => f.get(d), () => f.get(rows), () => f.get(d), true, scratch);
      });
      emitNormalize(f, op, ldo, o, l, rows, d, i, c, inv, rowPtr, srcPtr);
    });
  });

  emitDriver(mod, 'attention_eager', NR, (dr) => {
    const { f, field, qh, oh, u, h, tmp } = dr;
    const { nq, nk, d, kPack, vPack, s, scratch, ldq, ldo, probs, mask } = field;
    const [count, i, dst] = tmp;
    const factor = f.local(f32), fv = f.local(v128);
    // S = q_h · K_hᵀ [nq, nk] (one key block of kb ≥ nk keys), softmax rows
    callGemm(f, mod, gemm, NR,
      () => f.get(qh), () => f.get(ldq), () => f.get(kPack), () => f.get(d),
      () => f.get(s), () => f.get(nk), () => f.get(nq), () => f.get(nk), false, scratch);
    emitScoreTerms(f, mod, epilogue, dr, s, () => f.get(nq), () => f.get(nk), () => f.i32Const(0), () => f.i32Const(0));
    f.get(s).get(nq).get(nk).get(s).call(softmax, mod);
    f.get(nq).get(nk).i32Mul().set(count);
    // S ·= mask[h]
    f.get(mask).if(() => {
      f.get(mask).get(h).i32Const(2).i32Shl().i32Add().f32Load().tee(factor).f32x4Splat().set(fv);
      f.forRange(i, (g) => g.i32Const(0), (g) => g.get(count).i32Const(-4).i32And(), 4, () => {
        f.get(s).get(i).i32Const(2).i32Shl().i32Add().tee(dst).get(dst).v128Load().get(fv).f32x4Mul().v128Store();
      });
      f.forRange(i, (g) => g.get(count).i32Const(-4).i32And(), (g) => g.get(count), 1, () => {
        f.get(s).get(i).i32Const(2).i32Shl().i32Add().tee(dst).get(dst).f32Load().get(factor).f32Mul().f32Store();
      });
    });
    // probs[u] = S
    f.get(probs).if(() => {
      f.get(probs).get(u).get(count).i32Mul().i32Const(2).i32Shl().i32Add().set(dst);
      f.forRange(i, (g) => g.i32Const(0), (g) => g.get(count).i32Const(-4).i32And(), 4, () => {
        f.get(dst).get(i).i32Const(2).i32Shl().i32Add();
        f.get(s).get(i).i32Const(2).i32Shl().i32Add().v128Load();
        f.v128Store();
      });
      f.forRange(i, (g) => g.get(count).i32Const(-4).i32And(), (g) => g.get(count), 1, () => {
        f.get(dst).get(i).i32Const(2).i32Shl().i32Add();
        f.get(s).get(i).i32Const(2).i32Shl().i32Add().f32Load();
        f.f32Store();
      });
    });
    // out_h = S · V_h
    callGemm(f, mod, gemm, NR,
      () => f.get(s), () => f.get(nk), () => f.get(vPack), () => f.get(nk),
      () => f.get(oh), () => f.get(ldo), () => f.get(nq), () => f.get(d), false, scratch);
  });
}
