/**
 * The matrix-multiply core of the 'js' backend's linear and conv2d: a 4×4 register tile over packed
 * operands (plain JS reaches ~4 GFLOP/s single-threaded this way; see benchmarks/src/linear.ts).
 *
 * B (the [K, N] right operand) is packed once into panels of NR = 4 columns, k-major inside a panel:
 *   packed[(panel * K + k) * 4 + j] = B[k, panel * 4 + j]   (zero past N)
 * A (the left operand, [rows, K] with any row stride) is packed on the fly per block of MR = 4 rows and
 * KC columns of K, so the tile's 4 rows of A and 4 columns of B are contiguous and stay in L1.
 * Accumulation is in float64 (JS numbers); results are rounded to float32 once, on store.
 */

export const GEMM_MR = 4;
export const GEMM_NR = 4;
const KC = 768;

/** Length of the packed form of a [K, N] right operand. */
export function packedLength(k: number, n: number): number {
  return Math.ceil(n / GEMM_NR) * k * GEMM_NR;
}

/** Packs Wᵀ for a torch-layout weight W [n, k] (so B = Wᵀ is [k, n]). */
export function packTransposed(w: Float32Array, n: number, k: number, packed: Float32Array): void {
  const panels = Math.ceil(n / GEMM_NR);
  for (let jp = 0; jp < panels; jp++) {
    const base = jp * k * GEMM_NR;
    for (let j = 0; j < GEMM_NR; j++) {
      const o = jp * GEMM_NR + j;
      if (o < n) {
        const row = o * k;
        for (let p = 0; p < k; p++) packed[base + p * GEMM_NR + j] = w[row + p];
      } else {
        for (let p = 0; p < k; p++) packed[base + p * GEMM_NR + j] = 0;
      }
    }
  }
}

let aScratch = new Float32Array(GEMM_MR * KC);

/**
 * out[r, j] += Σ_k a[r, k] · B[k, j] for rows r in [rowStart, rowEnd), j in [0, n):
 * a(r, k) = a[aOffset + r * lda + k], out(r, j) = out[outOffset + r * ldo + j], B packed by the pack functions.
 */
export function gemmAccumulate(
  a: Float32Array, aOffset: number, lda: number,
  rowStart: number, rowEnd: number, k: number,
  packed: Float32Array, n: number,
  out: Float32Array, outOffset: number, ldo: number,
): void {
  const ap = aScratch.length >= GEMM_MR * KC ? aScratch : (aScratch = new Float32Array(GEMM_MR * KC));
  const panels = Math.ceil(n / GEMM_NR);
  const fullPanels = Math.floor(n / GEMM_NR);
  for (let r0 = rowStart; r0 < rowEnd; r0 += GEMM_MR) {
    const mr = Math.min(GEMM_MR, rowEnd - r0);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = Math.min(KC, k - pc);
      // Pack A[r0 .. r0+4, pc .. pc+kc] k-major; rows past the end are zero.
      for (let i = 0; i < GEMM_MR; i++) {
        if (i < mr) {
          const src = aOffset + (r0 + i) * lda + pc;
          for (let p = 0; p < kc; p++) ap[p * GEMM_MR + i] = a[src + p];
        } else {
          for (let p = 0; p < kc; p++) ap[p * GEMM_MR + i] = 0;
        }
      }
      const o0 = outOffset + r0 * ldo;
      for (let jp = 0; jp < panels; jp++) {
        let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        let pb = (jp * k + pc) * GEMM_NR;
        const pbEnd = pb + kc * GEMM_NR;
        for (let pa = 0; pb < pbEnd; pb += 4, pa += 4) {
          const b0 = packed[pb], b1 = packed[pb + 1], b2 = packed[pb + 2], b3 = packed[pb + 3];
          let x = ap[pa];
          c00 += x * b0; c01 += x * b1; c02 += x * b2; c03 += x * b3;
          x = ap[pa + 1];
          c10 += x * b0; c11 += x * b1; c12 += x * b2; c13 += x * b3;
          x = ap[pa + 2];
          c20 += x * b0; c21 += x * b1; c22 += x * b2; c23 += x * b3;
          x = ap[pa + 3];
          c30 += x * b0; c31 += x * b1; c32 += x * b2; c33 += x * b3;
        }
        const o = o0 + jp * GEMM_NR;
        if (mr === GEMM_MR && jp < fullPanels) {
          out[o] += c00; out[o + 1] += c01; out[o + 2] += c02; out[o + 3] += c03;
          const o1 = o + ldo;
          out[o1] += c10; out[o1 + 1] += c11; out[o1 + 2] += c12; out[o1 + 3] += c13;
          const o2 = o1 + ldo;
          out[o2] += c20; out[o2 + 1] += c21; out[o2 + 2] += c22; out[o2 + 3] += c23;
          const o3 = o2 + ldo;
          out[o3] += c30; out[o3 + 1] += c31; out[o3 + 2] += c32; out[o3 + 3] += c33;
        } else {
          storePartial(out, o, ldo, mr, Math.min(GEMM_NR, n - jp * GEMM_NR),
            c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33);
        }
      }
    }
  }
}

function storePartial(
  out: Float32Array, o: number, ldo: number, mr: number, nr: number,
  c00: number, c01: number, c02: number, c03: number, c10: number, c11: number, c12: number, c13: number,
  c20: number, c21: number, c22: number, c23: number, c30: number, c31: number, c32: number, c33: number,
): void {
  const c = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let i = 0; i < mr; i++) for (let j = 0; j < nr; j++) out[o + i * ldo + j] += c[i * 4 + j];
}
