/**
 * Grids for kernels with one thread (or one workgroup) per item: a dimension holds at most 65,535 workgroups,
 * so large counts fold into y, and the shader rebuilds the linear index (`linearIndex`).
 */

export const MAX_GROUPS = 65535;

/** Workgroups [x, y, 1] covering `items` items at `perGroup` items per workgroup. */
export function grid(items: number, perGroup: number): [number, number, number] {
  const groups = Math.ceil(items / perGroup);
  if (groups <= MAX_GROUPS) return [groups, 1, 1];
  const y = Math.ceil(groups / MAX_GROUPS);
  if (y > MAX_GROUPS) throw new RangeError(`${items} items exceed the largest dispatch grid`);
  return [MAX_GROUPS, y, 1];
}

/** WGSL: the workgroup's linear index (`wg` the workgroup id, `gridX` the x extent from the params). */
export const GROUP_INDEX = 'wg.y * p.gridX + wg.x';
