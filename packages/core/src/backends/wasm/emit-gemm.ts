/**
 * The SIMD GEMM, emitted: C[m,n] (+)= A[m,k] · B[k,n] with B packed in panels of NR columns
 * (see packing.ts), then an optional fused epilogue per tile: `+ bias[j]`, activation, `+ residual[i,j]`.
 *
 * Loop nest of the exported `gemm` (one call computes rows [rowStart,rowEnd) × panels [panelStart,panelEnd),
 * so threads split the work by calling it with disjoint ranges):
 *
 *   for k0 in 0..k step KC                      k-block: a KC×NR slice of a B panel stays in L1
 *     for i0 in rowStart..rowEnd step ≤MC       row block: MC×KC of A stays in L2 (blocks of equal size)
 *       for p in panelStart..panelEnd           one B panel
 *         for i in i0..i0+MC step MR            one MR×NR register tile (tile_<mr> for the last, shorter one)
 *           tile(A[i.., k0..], B panel p, C tile)   accumulators start at 0 (first k-block) or at C
 *           epilogue on the tile after the last k-block, while it is still in L1
 *
 * The summation order of every C element depends only on k and KC, never on the ranges, so any split
 * over threads gives bit-identical results. The register tile keeps MR × NR/4 f32x4 accumulators; each
 * step of k broadcasts one A value per row (v128.load32_splat) and multiplies it with NR/4 vectors of B
 * (plain f32x4.mul + f32x4.add: relaxed-simd FMA is not available in Node 20 without a flag).
 */

import { emitActivation, WASM_ACTIVATIONS, type WasmActivation } from './emit-math.js';
import { i32, v128, type FunctionBuilder, type Local, type ModuleBuilder } from './module-builder.js';

export interface GemmTiling {
  /** Rows of the register tile. */
  mr: number;
  /** Columns of the register tile (a multiple of 4) = width of a packed B panel. */
  nr: number;
  /** k-block length. */
  kc: number;
  /** Row-block length (a multiple of mr). */
  mc: number;
  /** Steps of k per inner-loop iteration. */
  unroll: number;
  /**
   * Multiply-add with relaxed-simd `f32x4.relaxed_madd` (one FMA where the hardware has it) instead of
   * f32x4.mul + f32x4.add. Only where `relaxedSimdSupported()`; results then differ from the mul + add
   * kernel in the last bits (both are within the same error bound).
   */
  fma?: boolean;
}

/** Plain SIMD128 (mul + add). Unrolling k measured slower (V8 allocates registers worse in the longer body). */
export const DEFAULT_TILING: GemmTiling = { mr: 4, nr: 8, kc: 384, mc: 256, unroll: 1 };
/** With relaxed-simd FMA (see preferredTiling). */
export const FMA_TILING: GemmTiling = { mr: 6, nr: 8, kc: 512, mc: 198, unroll: 1, fma: true };

/** `flags` bit of the exported gemm: add into C instead of overwriting it. */
export const GEMM_ACCUMULATE = 1;

/** Activation ids passed to the exported functions. */
export function activationId(act: WasmActivation): number {
  return WASM_ACTIVATIONS.indexOf(act);
}

export function checkTiling(t: GemmTiling): void {
  const ok =
    Number.isInteger(t.mr) && t.mr >= 1 && t.mr <= 8 &&
    Number.isInteger(t.nr) && t.nr >= 4 && t.nr <= 32 && t.nr % 4 === 0 &&
    Number.isInteger(t.kc) && t.kc >= 1 &&
    Number.isInteger(t.mc) && t.mc >= t.mr && t.mc % t.mr === 0 &&
    Number.isInteger(t.unroll) && t.unroll >= 1 && t.unroll <= 16;
  if (!ok) throw new RangeError(`invalid GEMM tiling ${JSON.stringify(t)}`);
}

/**
 * tile_<rows>(a, ldaBytes, b, kc, c, ldcBytes, loadC): a rows × NR tile of C from a rows × kc block of A
 * (row stride ldaBytes) and kc × NR of a packed panel; C is overwritten, or accumulated into when loadC ≠ 0.
 */
function emitTile(mod: ModuleBuilder, t: GemmTiling, rows: number): FunctionBuilder {
  const vecs = t.nr / 4;
  return mod.function(`tile_${rows}`, [i32, i32, i32, i32, i32, i32, i32], [], (f) => {
    const [a, lda, b, kc, c, ldc, loadC] = f.paramList();
    const aRow: Local[] = Array.from({ length: rows }, () => f.local(i32));
    const acc: Local[][] = Array.from({ length: rows }, () => Array.from({ length: vecs }, () => f.local(v128)));
    const bv: Local[] = Array.from({ length: vecs }, () => f.local(v128));
    const av = f.local(v128);
    const bEnd = f.local(i32);
    const cRow = f.local(i32);

    for (let r = 0; r < rows; r++) {
      f.get(a);
      if (r > 0) f.get(lda).i32Const(r).i32Mul().i32Add();
      f.set(aRow[r]);
    }
    f.get(b).get(kc).i32Const(t.nr * 4).i32Mul().i32Add().set(bEnd);

    // Accumulators start at C (a later k-block, or C +=) or at zero.
    f.get(loadC).if(
      () => {
        f.get(c).set(cRow);
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < vecs; j++) f.get(cRow).v128Load(16 * j).set(acc[r][j]);
          if (r + 1 < rows) f.get(cRow).get(ldc).i32Add().set(cRow);
        }
      },
      () => {
        for (const row of acc) for (const v of row) f.f32x4Const(0).set(v);
      },
    );

    // One step of k at A offset `u` (floats): broadcast A[r][k], multiply with the NR/4 vectors of B.
    const step = (u: number): void => {
      for (let j = 0; j < vecs; j++) f.get(b).v128Load((u * t.nr + 4 * j) * 4).set(bv[j]);
      for (let r = 0; r < rows; r++) {
        f.get(aRow[r]).v128Load32Splat(4 * u).set(av);
        for (let j = 0; j < vecs; j++) {
          if (t.fma) f.get(av).get(bv[j]).get(acc[r][j]).f32x4RelaxedMadd().set(acc[r][j]);
          else f.get(acc[r][j]).get(av).get(bv[j]).f32x4Mul().f32x4Add().set(acc[r][j]);
        }
      }
    };
    const advance = (steps: number): void => {
      for (let r = 0; r < rows; r++) f.addTo(aRow[r], 4 * steps);
      f.addTo(b, steps * t.nr * 4);
    };

    // Main loop, `unroll` steps per iteration, while a whole group remains …
    const group = t.unroll * t.nr * 4;
    f.block((done) => {
      f.loop((top) => {
        f.get(b).i32Const(group).i32Add().get(bEnd).i32GtU().brIf(done);
        for (let u = 0; u < t.unroll; u++) step(u);
        advance(t.unroll);
        f.br(top);
      });
    });
    // … then the remaining steps one at a time.
    if (t.unroll > 1) {
      f.block((done) => {
        f.loop((top) => {
          f.get(b).get(bEnd).i32GeU().brIf(done);
          step(0);
          advance(1);
          f.br(top);
        });
      });
    }

    f.get(c).set(cRow);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < vecs; j++) f.get(cRow).get(acc[r][j]).v128Store(16 * j);
      if (r + 1 < rows) f.get(cRow).get(ldc).i32Add().set(cRow);
    }
  });
}

/**
 * epilogue_<act>(c, ldcBytes, rows, cols, bias, res, ldrBytes): for a rows × cols block of C,
 * c = act(c + bias[j]) + res[i, j]; bias / res = 0 means none. Vectors of 4, then single lanes.
 */
function emitEpilogue(mod: ModuleBuilder, act: WasmActivation): FunctionBuilder {
  return mod.function(`epilogue_${act}`, [i32, i32, i32, i32, i32, i32, i32], [], (f) => {
    const [c, ldc, rows, cols, bias, res, ldr] = f.paramList();
    const r = f.local(i32);
    const j = f.local(i32);
    const x = f.local(v128);
    const cAt = f.local(i32);
    const colsVec = f.local(i32);
    f.get(cols).i32Const(-4).i32And().set(colsVec);

    // x = act(x + bias) + res, for the vector at byte offset `j*4` of the current row
    const body = (load: () => void, loadBias: () => void, loadRes: () => void): void => {
      load();
      f.set(x);
      f.get(bias).if(() => {
        f.get(x);
        loadBias();
        f.f32x4Add().set(x);
      });
      emitActivation(f, act, x);
      f.set(x);
      f.get(res).if(() => {
        f.get(x);
        loadRes();
        f.f32x4Add().set(x);
      });
    };
    const at = (base: Local): void => {
      f.get(base).get(j).i32Const(2).i32Shl().i32Add();
    };

    f.forRange(r, (g) => g.i32Const(0), (g) => g.get(rows), 1, () => {
      f.forRange(j, (g) => g.i32Const(0), (g) => g.get(colsVec), 4, () => {
        at(c);
        f.set(cAt);
        body(
          () => f.get(cAt).v128Load(),
          () => { at(bias); f.v128Load(); },
          () => { at(res); f.v128Load(); },
        );
        f.get(cAt).get(x).v128Store();
      });
      f.forRange(j, (g) => g.get(colsVec), (g) => g.get(cols), 1, () => {
        at(c);
        f.set(cAt);
        body(
          () => f.get(cAt).f32Load().f32x4Splat(),
          () => { at(bias); f.f32Load().f32x4Splat(); },
          () => { at(res); f.f32Load().f32x4Splat(); },
        );
        f.get(cAt).get(x).f32x4ExtractLane(0).f32Store();
      });
      f.get(c).get(ldc).i32Add().set(c);
      f.get(res).if(() => {
        f.get(res).get(ldr).i32Add().set(res);
      });
    });
  });
}

/** Emits `if (id == v0) case0 else if (id == v1) case1 … else caseN` (the last case is the default). */
function dispatch(f: FunctionBuilder, id: Local, cases: ReadonlyArray<readonly [number, () => void]>, index = 0): void {
  const [value, emit] = cases[index];
  if (index === cases.length - 1) {
    emit();
    return;
  }
  f.get(id).i32Const(value).i32Eq().if(
    () => emit(),
    () => dispatch(f, id, cases, index + 1),
  );
}

/** Copies a rows × cols block of floats between two row strides (bytes). */
function emitCopyBlock(mod: ModuleBuilder): FunctionBuilder {
  return mod.function('copy_block', [i32, i32, i32, i32, i32, i32], [], (f) => {
    const [src, lds, dst, ldd, rows, cols] = f.paramList();
    const r = f.local(i32);
    const j = f.local(i32);
    f.forRange(r, (g) => g.i32Const(0), (g) => g.get(rows), 1, () => {
      f.forRange(j, (g) => g.i32Const(0), (g) => g.get(cols), 1, () => {
        f.get(dst).get(j).i32Const(2).i32Shl().i32Add();
        f.get(src).get(j).i32Const(2).i32Shl().i32Add().f32Load();
        f.f32Store();
      });
      f.get(src).get(lds).i32Add().set(src);
      f.get(dst).get(ldd).i32Add().set(dst);
    });
  }, false);
}

/**
 * Emits `gemm`, `epilogue` (the fused epilogue alone, also an elementwise activation kernel) and their
 * helpers into `mod`. Signatures (pointers and strides: bytes / elements as named; all i32):
 *
 *   gemm(a, lda, b, k, c, ldc, rowStart, rowEnd, panelStart, panelEnd, n, flags, bias, res, ldr, scratch)
 *     a: &A[0,0], lda elements; b: packed B; c: &C[0,0], ldc elements; flags: GEMM_ACCUMULATE | act << 8;
 *     bias: &bias[0] or 0; res: &R[0,0] or 0, ldr elements; scratch: mr·nr floats private to the caller.
 *   epilogue(c, ldc, rows, cols, bias, res, ldr, act)    (strides in elements)
 */
export function emitGemm(mod: ModuleBuilder, t: GemmTiling): { gemm: FunctionBuilder; epilogue: FunctionBuilder } {
  checkTiling(t);
  const tiles = Array.from({ length: t.mr }, (_, i) => emitTile(mod, t, i + 1));
  const epilogues = WASM_ACTIVATIONS.map((act) => emitEpilogue(mod, act));
  const copyBlock = emitCopyBlock(mod);

  const epilogue = mod.function('epilogue', [i32, i32, i32, i32, i32, i32, i32, i32], [], (f) => {
    const [c, ldc, rows, cols, bias, res, ldr, act] = f.paramList();
    const cases = epilogues.map((e, id) => [id, () => {
      f.get(c).get(ldc).i32Const(2).i32Shl().get(rows).get(cols).get(bias).get(res).get(ldr).i32Const(2).i32Shl();
      f.call(e, mod);
    }] as const);
    dispatch(f, act, cases);
  });

  const gemm = mod.function('gemm', Array.from({ length: 16 }, () => i32), [], (f) => {
    const [a, lda, b, k, c, ldc, rowStart, rowEnd, panelStart, panelEnd, n, flags, bias, res, ldr, scratch] =
      f.paramList();
    const k0 = f.local(i32), kc = f.local(i32), loadC = f.local(i32), last = f.local(i32);
    const i0 = f.local(i32), i1 = f.local(i32), i = f.local(i32), mr = f.local(i32);
    const p = f.local(i32), col = f.local(i32), nr = f.local(i32);
    const ap = f.local(i32), bp = f.local(i32), cp = f.local(i32), act = f.local(i32), epi = f.local(i32);
    const ldaB = f.local(i32), ldcB = f.local(i32), mc = f.local(i32);
    const NRB = t.nr * 4;

    f.get(lda).i32Const(2).i32Shl().set(ldaB);
    f.get(ldc).i32Const(2).i32Shl().set(ldcB);
    f.get(flags).i32Const(8).i32ShrU().set(act);
    // The epilogue runs only when it does something.
    f.get(act).get(bias).i32Or().get(res).i32Or().i32Const(0).i32Ne().set(epi);
    // Row blocks of equal size (a multiple of MR, at most MC): 197 rows are one block of 200, not 192 + 5.
    f.get(rowEnd).get(rowStart).i32Sub().i32Const(t.mc - 1).i32Add().i32Const(t.mc).i32DivS().set(mc); // blocks
    f.i32Const(1).get(mc).get(mc).i32Const(1).i32LtS().select().set(mc); // ≥ 1 (empty ranges)
    f.get(rowEnd).get(rowStart).i32Sub().get(mc).i32Add().i32Const(1).i32Sub().get(mc).i32DivS();
    f.i32Const(t.mr - 1).i32Add().i32Const(t.mr).i32DivS().i32Const(t.mr).i32Mul().set(mc);
    f.i32Const(t.mr).get(mc).get(mc).i32Const(t.mr).i32LtS().select().set(mc); // at least MR (empty ranges)

    const callTile = (cPtr: () => void, ldcBytes: () => void): void => {
      // the full tile first: it is the common case
      const cases = tiles.map((tile, r) => [r + 1, () => {
        f.get(ap).get(ldaB).get(bp).get(kc);
        cPtr();
        ldcBytes();
        f.get(loadC).call(tile, mod);
      }] as const).reverse();
      dispatch(f, mr, cases);
    };

    f.forRange(k0, (g) => g.i32Const(0), (g) => g.get(k), t.kc, () => {
      // kc = min(KC, k - k0); C is loaded unless this is the first k-block of an overwrite
      f.get(k).get(k0).i32Sub().set(kc);
      f.i32Const(t.kc).get(kc).get(kc).i32Const(t.kc).i32GtS().select().set(kc);
      f.get(k0).i32Const(0).i32Ne().get(flags).i32Const(GEMM_ACCUMULATE).i32And().i32Or().set(loadC);
      f.get(k0).get(kc).i32Add().get(k).i32GeS().set(last);

      f.forRange(i0, (g) => g.get(rowStart), (g) => g.get(rowEnd), mc, () => {
        f.get(i0).get(mc).i32Add().set(i1);
        f.get(rowEnd).get(i1).get(i1).get(rowEnd).i32GtS().select().set(i1);

        f.forRange(p, (g) => g.get(panelStart), (g) => g.get(panelEnd), 1, () => {
          f.get(p).i32Const(t.nr).i32Mul().set(col);
          f.get(n).get(col).i32Sub().set(nr);
          f.i32Const(t.nr).get(nr).get(nr).i32Const(t.nr).i32GtS().select().set(nr);
          // bp = b + (p·k + k0)·NR floats
          f.get(b).get(p).get(k).i32Mul().get(k0).i32Add().i32Const(NRB).i32Mul().i32Add().set(bp);

          f.forRange(i, (g) => g.get(i0), (g) => g.get(i1), t.mr, () => {
            f.get(i1).get(i).i32Sub().set(mr);
            f.i32Const(t.mr).get(mr).get(mr).i32Const(t.mr).i32GtS().select().set(mr);
            f.get(a).get(i).get(lda).i32Mul().get(k0).i32Add().i32Const(2).i32Shl().i32Add().set(ap);
            f.get(c).get(i).get(ldc).i32Mul().get(col).i32Add().i32Const(2).i32Shl().i32Add().set(cp);

            f.get(nr).i32Const(t.nr).i32Eq().if(
              () => callTile(() => f.get(cp), () => f.get(ldcB)),
              () => {
                // A partial panel: compute the full-width tile in scratch, copy the valid columns.
                f.get(loadC).if(() => {
                  f.get(cp).get(ldcB).get(scratch).i32Const(NRB).get(mr).get(nr).call(copyBlock, mod);
                });
                callTile(() => f.get(scratch), () => f.i32Const(NRB));
                f.get(scratch).i32Const(NRB).get(cp).get(ldcB).get(mr).get(nr).call(copyBlock, mod);
              },
            );
          });

          // The epilogue over the row block's rows of this panel (≤ MC × NR floats, still in L1): one call
          // per panel and row block rather than per register tile, which matters when k is small.
          f.get(last).get(epi).i32And().if(() => {
            f.get(c).get(i0).get(ldc).i32Mul().get(col).i32Add().i32Const(2).i32Shl().i32Add();
            f.get(ldc).get(i1).get(i0).i32Sub().get(nr);
            pushOrZero(f, bias, () => f.get(bias).get(col).i32Const(2).i32Shl().i32Add());
            pushOrZero(f, res, () => f.get(res).get(i0).get(ldr).i32Mul().get(col).i32Add().i32Const(2).i32Shl().i32Add());
            f.get(ldr).get(act).call(epilogue, mod);
          });
        });
      });
    });
  });
  return { gemm, epilogue };
}

/** Pushes `value()` when the pointer local is non-zero, else 0. */
function pushOrZero(f: FunctionBuilder, ptr: Local, value: () => void): void {
  value();
  f.i32Const(0).get(ptr).select();
}
