/**
 * BEiT's `relative_position_index` for a window of `rows` x `cols` patches (BeitRelativePositionBias.
 * generate_relative_position_index at the golden's pinned commit): integer bookkeeping done once per
 * window on the host, never tensor arithmetic. Entry (i, j) of the [N + 1, N + 1] matrix (N = rows ·
 * cols, token 0 the CLS) is the bias-table row that query i reads for key j:
 * - patches i, j at (yi, xi), (yj, xj): (yi − yj + rows − 1) · (2·cols − 1) + (xi − xj + cols − 1);
 * - query CLS → any key: R − 3; any query → key CLS: R − 2; CLS → CLS: R − 1,
 * with R = (2·rows − 1)(2·cols − 1) + 3 the table's length.
 */
export function relativePositionIndex(rows: number, cols: number): Int32Array {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 1 || cols < 1) {
    throw new RangeError(`relative position window must be positive integers, got ${rows} x ${cols}`);
  }
  const n = rows * cols;
  const side = n + 1;
  const distances = (2 * rows - 1) * (2 * cols - 1);
  const out = new Int32Array(side * side); // [N + 1, N + 1]
  for (let i = 0; i < n; i++) {
    const yi = Math.floor(i / cols);
    const xi = i % cols;
    for (let j = 0; j < n; j++) {
      const yj = Math.floor(j / cols);
      const xj = j % cols;
      out[(i + 1) * side + j + 1] = (yi - yj + rows - 1) * (2 * cols - 1) + (xi - xj + cols - 1);
    }
  }
  for (let k = 0; k < side; k++) {
    out[k] = distances; // row 0: CLS → token
    out[k * side] = distances + 1; // column 0: token → CLS
  }
  out[0] = distances + 2;
  return out;
}

/** Rows of the bias table for a window: (2·rows − 1)(2·cols − 1) + 3. */
export function relativeDistanceCount(rows: number, cols: number): number {
  return (2 * rows - 1) * (2 * cols - 1) + 3;
}
