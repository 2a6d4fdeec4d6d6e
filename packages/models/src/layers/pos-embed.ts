import type { Arena, DeviceArray, InterpolateOptions } from '@purevit/core';

/**
 * Resamples a position-embedding table on the device: `prefix` leading rows (class / register positions)
 * kept, the grid rows [oldH·oldW, dim] resized to [newH·newW, dim] with F.interpolate — as transformers'
 * interpolate_pos_encoding and timm's resample_abs_pos_embed do, through the NCHW [1, dim, h, w] view of the
 * grid (two transposes around the interpolation). Returns a new array of the arena.
 */
export function resamplePosEmbed(
  arena: Arena,
  table: DeviceArray, // [prefix + oldH·oldW, dim]
  dim: number,
  prefix: number,
  oldGrid: readonly [number, number],
  newGrid: readonly [number, number],
  options: InterpolateOptions,
): DeviceArray {
  const engine = arena.engine;
  const [oh, ow] = oldGrid;
  const [nh, nw] = newGrid;
  if (table.length !== (prefix + oh * ow) * dim) {
    throw new RangeError(`cannot resample ${table.length / dim} position embeddings as ${prefix} prefix rows + a ${oh}x${ow} grid`);
  }
  const out = arena.alloc((prefix + nh * nw) * dim);
  const before = arena.alloc(dim * oh * ow); // [1, dim, oh, ow]
  const after = arena.alloc(dim * nh * nw); // [1, dim, nh, nw]
  if (prefix > 0) engine.ops.copyRows({ x: table, out, rows: 1, cols: prefix * dim });
  engine.ops.transpose({ x: table.view(prefix * dim), out: before, batch: 1, rows: oh * ow, cols: dim });
  engine.ops.interpolate({ x: before, shape: [1, dim, oh, ow], size: [nh, nw], out: after, ...options });
  engine.ops.transpose({ x: after, out: out.view(prefix * dim), batch: 1, rows: dim, cols: nh * nw });
  arena.free(before);
  arena.free(after);
  return out;
}
