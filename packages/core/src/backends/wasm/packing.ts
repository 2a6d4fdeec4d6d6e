/**
 * Packed B panels for the SIMD GEMM. B[k, n] is cut into ⌈n/nr⌉ panels of nr columns; panel p is stored
 * k-major so the kernel reads it sequentially: packed[(p·k + kk)·nr + jj] = B[kk, p·nr + jj], with zeros
 * past column n. A ViT weight is packed once when the layer is built and reused for every image.
 */

/** Floats needed to pack a k × n matrix into panels of width nr. */
export function packedLength(k: number, n: number, nr: number): number {
  return Math.ceil(n / nr) * nr * k;
}

/**
 * Packs B given in torch's linear layout, weight[n, k] with row stride `ldw` (default k), so B = weightᵀ.
 * Attention's q·kᵀ packs one head of K this way (rows of the token-major K view, ldw = its row stride).
 * `out` must be zero past column n.
 */
export function packTransposedInto(weight: Float32Array, n: number, k: number, nr: number, out: Float32Array, ldw = k): void {
  checkPack(weight, n === 0 ? 0 : (n - 1) * ldw + k, k, n, nr, out);
  for (let j = 0; j < n; j++) {
    const p = Math.floor(j / nr);
    const jj = j - p * nr;
    const base = p * k * nr + jj;
    const row = j * ldw;
    for (let kk = 0; kk < k; kk++) out[base + kk * nr] = weight[row + kk];
  }
}

/** Packs a row-major B[k, n] with row stride `ldb` (default n). `out` must be zero past column n. */
export function packInto(b: Float32Array, k: number, n: number, nr: number, out: Float32Array, ldb = n): void {
  checkPack(b, k === 0 ? 0 : (k - 1) * ldb + n, k, n, nr, out);
  const panels = Math.ceil(n / nr);
  for (let p = 0; p < panels; p++) {
    const width = Math.min(nr, n - p * nr);
    for (let kk = 0; kk < k; kk++) {
      const src = kk * ldb + p * nr;
      const dst = (p * k + kk) * nr;
      for (let jj = 0; jj < width; jj++) out[dst + jj] = b[src + jj];
    }
  }
}

function checkPack(src: Float32Array, needed: number, k: number, n: number, nr: number, out: Float32Array): void {
  if (!(Number.isSafeInteger(k) && Number.isSafeInteger(n) && k >= 0 && n >= 0)) {
    throw new RangeError(`pack: invalid shape k=${k} n=${n}`);
  }
  if (src.length < needed) throw new RangeError(`pack: source has ${src.length} floats, needs ${needed}`);
  if (out.length < packedLength(k, n, nr)) {
    throw new RangeError(`pack: output has ${out.length} floats, needs ${packedLength(k, n, nr)}`);
  }
}
