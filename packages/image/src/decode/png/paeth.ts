/**
 * The PNG Paeth predictor (filter type 4): of left `a`, up `b` and up-left `c`, the one nearest to
 * a + b - c, ties going to a, then b. Shared by the decoder's unfiltering and the encoder's filtering.
 */
export function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
