import { interpolate } from '@purevit/core';

/**
 * timm's resample_abs_pos_embed: keeps `numPrefixTokens` leading rows (class / register positions)
 * and resamples the patch grid rows from `oldSize` to `newSize` with F.interpolate(mode='bicubic',
 * antialias=True) — in float32, as timm casts to float before interpolating. Returns `posEmbed`
 * itself when timm would: same token count and a square new grid.
 */
export function resampleAbsPosEmbed(
  posEmbed: Float32Array, // [numPrefixTokens + oldH·oldW, dim]
  dim: number,
  newSize: readonly [number, number],
  oldSize: readonly [number, number],
  numPrefixTokens: number,
): Float32Array {
  const numPosTokens = posEmbed.length / dim;
  const [nh, nw] = newSize;
  if (nh * nw + numPrefixTokens === numPosTokens && nh === nw) return posEmbed;
  const [oh, ow] = oldSize;
  if (oh * ow + numPrefixTokens !== numPosTokens) {
    throw new RangeError(`cannot resample ${numPosTokens} position embeddings as ${numPrefixTokens} prefix rows + a ${oh}x${ow} grid`);
  }
  // [oh·ow, dim] token-major → [1, dim, oh, ow] for F.interpolate, and back.
  const grid = posEmbed.subarray(numPrefixTokens * dim);
  const nchw = new Float32Array(dim * oh * ow);
  for (let p = 0; p < oh * ow; p++) for (let c = 0; c < dim; c++) nchw[c * oh * ow + p] = grid[p * dim + c];
  const resized = new Float32Array(dim * nh * nw);
  interpolate(nchw, [1, dim, oh, ow], nh, nw, { mode: 'bicubic', alignCorners: false, antialias: true }, resized);
  const out = new Float32Array((numPrefixTokens + nh * nw) * dim);
  out.set(posEmbed.subarray(0, numPrefixTokens * dim));
  const base = numPrefixTokens * dim;
  for (let c = 0; c < dim; c++) for (let p = 0; p < nh * nw; p++) out[base + p * dim + c] = resized[c * nh * nw + p];
  return out;
}
