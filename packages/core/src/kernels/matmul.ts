import { checkLength, checkSize } from './check.js';
import { matmulReference } from '../reference/matmul.js';

/** out[m, n] = a[m, k] · b[k, n], all row-major. `out` must not alias `a` or `b`. */
export function matmul(a: Float32Array, b: Float32Array, out: Float32Array, m: number, k: number, n: number): void {
  checkSize('matmul', 'm', m);
  checkSize('matmul', 'k', k);
  checkSize('matmul', 'n', n);
  checkLength('matmul', 'a', a, m * k);
  checkLength('matmul', 'b', b, k * n);
  checkLength('matmul', 'out', out, m * n);
  matmulReference(a, b, out, m, k, n);
}
