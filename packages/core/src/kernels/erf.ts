import { erfReference } from '../reference/erf.js';

/** The error function, accurate to float32. */
export function erf(x: number): number {
  return erfReference(x);
}
