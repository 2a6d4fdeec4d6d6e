/** Softmax over the last axis in float64; a row of only -Infinity gives NaN, as in torch. */
export function softmaxReference(x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  const e = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let max = -Infinity;
    for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]);
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      e[j] = Math.exp(x[o + j] - max);
      sum += e[j];
    }
    for (let j = 0; j < cols; j++) out[o + j] = e[j] / sum;
  }
}
