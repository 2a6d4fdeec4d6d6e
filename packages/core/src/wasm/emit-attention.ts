/**
 * attention_fused(params): the fused attention driver, emitted, so that one call computes whole
 * (batch, head) units and a worker can run its share of the heads without coming back to JS.
 * `params` points to ATTENTION_FIELDS i32 / f32 fields (see AttentionField). For each unit u in
 * [unitStart, unitEnd), b = u / heads, h = u % heads:
 *
 *   pack K_h (times scale) into key blocks of kb keys, each the GEMM's B = K_blockᵀ [d, kb]   (lane scratch)
 *   pack V_h into key blocks, each B = V_block [kb, d]                                        (lane scratch)
 *   O = 0, m = -Infinity, l = 0
 *   for each key block:  S = q_h · K_blockᵀ  (gemm)         S: [nq, cols]
 *                        online_softmax(S, m, l, O)          exp in place, rescale O
 *                        O += S · V_block  (gemm, accumulate)
 *   out_h = O / l
 *
 * Memory per lane is linear in the sequence: packed K and V of one head, S = nq × kb, O = nq × d.
 */

import { GEMM_ACCUMULATE, type GemmTiling } from './emit-gemm.js';
import { f32, i32, type FunctionBuilder, type Local, type ModuleBuilder } from './module-builder.js';

/** Field indices of the attention parameter block (4 bytes each; `scale` is an f32, the rest i32). */
export const AttentionField = {
  q: 0, ldq: 1, k: 2, ldk: 3, v: 4, ldv: 5, out: 6, ldo: 7, unitStart: 8, unitEnd: 9, heads: 10,
  nq: 11, nk: 12, d: 13, kb: 14, scale: 15, kPack: 16, vPack: 17, s: 18, m: 19, l: 20, o: 21, scratch: 22,
} as const;
export const ATTENTION_FIELDS = 23;

/** Stores `value` (an f32 pushed by `push`) into `count` floats from `ptr`. */
function emitFill(f: FunctionBuilder, ptr: Local, count: Local, i: Local, push: () => void): void {
  f.forRange(i, (g) => g.i32Const(0), (g) => g.get(count), 1, () => {
    f.get(ptr).get(i).i32Const(2).i32Shl().i32Add();
    push();
    f.f32Store();
  });
}

export function emitAttention(mod: ModuleBuilder, t: GemmTiling, gemm: FunctionBuilder, onlineSoftmax: FunctionBuilder): FunctionBuilder {
  const NR = t.nr;
  return mod.function('attention_fused', [i32], [], (f) => {
    const [params] = f.paramList();
    const field = (name: keyof typeof AttentionField): Local => {
      const l = f.local(i32);
      f.get(params).i32Load(4 * AttentionField[name]).set(l);
      return l;
    };
    const q = field('q'), ldq = field('ldq'), k = field('k'), ldk = field('ldk'), v = field('v'), ldv = field('ldv');
    const out = field('out'), ldo = field('ldo'), unitStart = field('unitStart'), unitEnd = field('unitEnd');
    const heads = field('heads'), nq = field('nq'), nk = field('nk'), d = field('d'), kb = field('kb');
    const kPack = field('kPack'), vPack = field('vPack'), s = field('s'), m = field('m'), l = field('l'), o = field('o');
    const scratch = field('scratch');
    const scale = f.local(f32);
    f.get(params).f32Load(4 * AttentionField.scale).set(scale);

    const u = f.local(i32), b = f.local(i32), h = f.local(i32), j = f.local(i32), c = f.local(i32), i = f.local(i32);
    const blocks = f.local(i32), blk = f.local(i32), jj = f.local(i32), p = f.local(i32), cols = f.local(i32);
    const kBlockBytes = f.local(i32), vBlockBytes = f.local(i32), dPad = f.local(i32), count = f.local(i32);
    const qh = f.local(i32), kh = f.local(i32), vh = f.local(i32), oh = f.local(i32);
    const src = f.local(i32), dst = f.local(i32), kbLen = f.local(i32), inv = f.local(f32);

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
      headPtr(q, nq, ldq, qh);
      headPtr(k, nk, ldk, kh);
      headPtr(v, nk, ldv, vh);
      headPtr(out, nq, ldo, oh);

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

      // O = 0, m = -Infinity, l = 0
      f.get(nq).get(d).i32Mul().set(count);
      emitFill(f, o, count, i, () => f.f32Const(0));
      emitFill(f, m, nq, i, () => f.f32Const(-Infinity));
      emitFill(f, l, nq, i, () => f.f32Const(0));

      f.forRange(blk, (g) => g.i32Const(0), (g) => g.get(blocks), 1, () => {
        f.get(nk).get(blk).get(kb).i32Mul().i32Sub().set(cols);
        f.get(kb).get(cols).get(cols).get(kb).i32GtS().select().set(cols);
        // S = q_h · K_blockᵀ
        f.get(qh).get(ldq).get(kPack).get(blk).get(kBlockBytes).i32Mul().i32Add().get(d).get(s).get(cols);
        f.i32Const(0).get(nq).i32Const(0).get(cols).i32Const(NR - 1).i32Add().i32Const(NR).i32DivU().get(cols);
        f.i32Const(0).i32Const(0).i32Const(0).i32Const(0).get(scratch).call(gemm, mod);
        f.get(s).get(nq).get(cols).get(m).get(l).get(o).get(d).get(d).call(onlineSoftmax, mod);
        // O += S · V_block
        f.get(s).get(cols).get(vPack).get(blk).get(vBlockBytes).i32Mul().i32Add().get(cols).get(o).get(d);
        f.i32Const(0).get(nq).i32Const(0).get(dPad).i32Const(NR).i32DivU().get(d);
        f.i32Const(GEMM_ACCUMULATE).i32Const(0).i32Const(0).i32Const(0).get(scratch).call(gemm, mod);
      });

      // out_h = O · (1 / l)
      f.forRange(i, (g) => g.i32Const(0), (g) => g.get(nq), 1, () => {
        f.f32Const(1).get(l).get(i).i32Const(2).i32Shl().i32Add().f32Load().f32Div().set(inv);
        f.get(oh).get(i).get(ldo).i32Mul().i32Const(2).i32Shl().i32Add().set(dst);
        f.get(o).get(i).get(d).i32Mul().i32Const(2).i32Shl().i32Add().set(src);
        f.forRange(c, (g) => g.i32Const(0), (g) => g.get(d), 1, () => {
          f.get(dst).get(c).i32Const(2).i32Shl().i32Add();
          f.get(src).get(c).i32Const(2).i32Shl().i32Add().f32Load().get(inv).f32Mul();
          f.f32Store();
        });
      });
    });
  });
}
