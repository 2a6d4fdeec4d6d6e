import type { Arena, DeviceArray } from '@purevit/core';
import { resamplePosEmbed } from '../../layers/pos-embed.js';

/**
 * timm's resample_abs_pos_embed on the device: keeps `numPrefixTokens` leading rows (class / register
 * positions) and resamples the patch grid rows from `oldSize` to `newSize` with F.interpolate(mode='bicubic',
 * antialias=True) — in float32, as timm casts to float before interpolating. Returns `posEmbed` itself when
 * timm would: same token count and a square new grid; else a new array of the arena.
 */
export function resampleAbsPosEmbed(
  arena: Arena,
  posEmbed: DeviceArray, // [numPrefixTokens + oldH·oldW, dim]
  dim: number,
  newSize: readonly [number, number],
  oldSize: readonly [number, number],
  numPrefixTokens: number,
): DeviceArray {
  const numPosTokens = posEmbed.length / dim;
  const [nh, nw] = newSize;
  if (nh * nw + numPrefixTokens === numPosTokens && nh === nw) return posEmbed;
  return resamplePosEmbed(arena, posEmbed, dim, numPrefixTokens, oldSize, newSize, { mode: 'bicubic', alignCorners: false, antialias: true });
}
