import { checkLength, checkSize } from './check.js';
import { gemmAccumulate, packedLength, packRowMajor } from './gemm.js';

let packScratch = new Float32Array(0);

/** out[m, n] = a[m, k] · b[k, n], all row-major. `out` must not alias `a` or `b`. */
export function matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void {
  checkSize('matmul', 'm', m);
  checkSize('matmul', 'k', k);
  checkSize('matmul', 'n', n);
  checkLength('matmul', 'a', a, m * k);
  checkLength('matmul', 'b', b, k * n);
  checkLength('matmul', 'out', out, m * n);
  const len = packedLength(k, n);
  if (packScratch.length < len) packScratch = new Float32Array(len);
  packRowMajor(b, 0, n, k, n, packScratch);
  matmulPackedRows(a, 0, m, k, packScratch, n, out);
}

/** Rows [rowStart, rowEnd) of a · B with B already packed by gemm.ts's `packRowMajor` (for workers sharing one packing). */
export function matmulPackedRows(a: Float32Array, rowStart: number, rowEnd: number, k: number, packedB: Float32Array, n: number, out: Float32Array): void {
  out.fill(0, rowStart * n, rowEnd * n);
  gemmAccumulate(a, 0, k, rowStart, rowEnd, k, packedB, n, out, 0, n);
}
