import type { Arena, DeviceArray } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { relativeDistanceCount, relativePositionIndex } from './relative-position-index.js';

/**
 * transformers' BeitRelativePositionBias: a learned table [(2Wh−1)(2Ww−1) + 3, heads] for the native window
 * (Wh, Ww) = image_size // patch_size, turned into the [heads, N+1, N+1] bias the attention adds for an input
 * whose window is (wh, ww):
 *   1. the first (2Wh−1)(2Ww−1) rows, reshaped as (1, old_width, old_height, heads) — width first, as the
 *      reference does — permuted to [1, heads, ·, ·] and resized F.interpolate(bilinear, align_corners=False) to
 *      (2wh−1, 2ww−1) (the identity on the native window, which is then kept as it is);
 *   2. the three extra rows (token → CLS, CLS → token, CLS → CLS) appended;
 *   3. rows gathered by relative_position_index(wh, ww), transposed to [heads, N+1, N+1].
 * All on the device (transpose, interpolate, copyRows, gatherRows); each window's bias is made once and cached.
 * Checkpoint: `<scope>.relative_position_bias_table` (a stored `relative_position_index` is not read).
 */
export class BeitRelativePositionBias {
  private readonly cache = new Map<string, DeviceArray>();

  constructor(
    readonly arena: Arena,
    readonly table: DeviceArray, // [(2Wh−1)(2Ww−1) + 3, heads]
    readonly window: readonly [number, number], // native (Wh, Ww)
    readonly heads: number,
  ) {}

  static async load(arena: Arena, scope: WeightScope, window: readonly [number, number], heads: number): Promise<BeitRelativePositionBias> {
    const rows = relativeDistanceCount(window[0], window[1]);
    return new BeitRelativePositionBias(arena, arena.upload(await scope.get('relative_position_bias_table', [rows, heads])), window, heads);
  }

  /** The bias [heads, N+1, N+1] for an input whose patch window is `window` (rows, cols). */
  biasFor(window: readonly [number, number]): DeviceArray {
    const key = `${window[0]}x${window[1]}`;
    let bias = this.cache.get(key);
    if (!bias) {
      bias = this.build(window);
      this.cache.set(key, bias);
    }
    return bias;
  }

  private build(window: readonly [number, number]): DeviceArray {
    const { arena, heads } = this;
    const ops = arena.engine.ops;
    const [wh, ww] = window;
    const [oh, ow] = [2 * this.window[0] - 1, 2 * this.window[1] - 1];
    const [nh, nw] = [2 * wh - 1, 2 * ww - 1];
    const temporary: DeviceArray[] = [];
    let table = this.table;
    if (nh !== oh || nw !== ow) {
      // [ow·oh, heads] rows → NCHW [1, heads, ow, oh] (the reference's reshape: width first) → [1, heads, nh, nw].
      const before = arena.alloc(heads * ow * oh);
      const after = arena.alloc(heads * nh * nw);
      table = arena.alloc((nh * nw + 3) * heads);
      temporary.push(before, after, table);
      ops.transpose({ x: this.table, out: before, batch: 1, rows: ow * oh, cols: heads });
      ops.interpolate({ x: before, shape: [1, heads, ow, oh], size: [nh, nw], out: after, mode: 'bilinear', alignCorners: false });
      ops.transpose({ x: after, out: table, batch: 1, rows: heads, cols: nh * nw });
      ops.copyRows({ x: this.table.view(oh * ow * heads), out: table.view(nh * nw * heads), rows: 1, cols: 3 * heads });
    }
    const n = wh * ww + 1;
    const index = arena.upload(Float32Array.from(relativePositionIndex(wh, ww)));
    const gathered = arena.alloc(n * n * heads); // [(N+1)², heads]
    temporary.push(index, gathered);
    ops.gatherRows({ x: table, index, out: gathered, batch: 1, rows: nh * nw + 3, count: n * n, dim: heads });
    const bias = arena.alloc(heads * n * n); // [heads, N+1, N+1]
    ops.transpose({ x: gathered, out: bias, batch: 1, rows: n * n, cols: heads });
    for (const t of temporary) arena.free(t);
    return bias;
  }
}
