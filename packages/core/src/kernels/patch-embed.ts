import { patchEmbedReference } from '../reference/patch-embed.js';

/** Patch embedding (conv with kernel == stride), token-major: out[n, gh·gw, o]; remainders are dropped. */
export function patchEmbed(
  x: Float32Array, // [n, c, h, w]
  xShape: readonly number[],
  weight: Float32Array, // [o, c, ph, pw]
  bias: Float32Array | null, // [o]
  patch: number | readonly [number, number],
  out: Float32Array, // [n, gh * gw, o]
): void {
  patchEmbedReference(x, xShape, weight, bias, patch, out);
}
