/** Python 3's round() on floats: to nearest, ties to even (round(54.5) == 54). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  // Math.round sends ties up; Python sends them to the even neighbour.
  return Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : r;
}
