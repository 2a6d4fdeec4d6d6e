import type { Tensor } from '@purevit/core';
import type { LayerNorm } from '../layers/layer-norm.js';
import type { DeviceTensor, ForwardOutputs } from './forward-outputs.js';

/**
 * forward_intermediates' output for token models (timm's VisionTransformer, and transformers' ViT by the
 * same rule): each kept block output [batch, tokens, dim], optionally through the final norm, split into
 * prefix tokens [batch, prefix, dim] and patch tokens, as NLC sequences [batch, gh·gw, dim] or NCHW maps
 * [batch, dim, gh, gw]. The ops run on the device; each result is read once.
 */
export async function tokenIntermediates(
  outputs: ForwardOutputs,
  blocks: readonly DeviceTensor[], // [batch, tokens, dim] each, in feature order
  options: { norm: LayerNorm | null; prefix: number; grid: readonly [number, number]; outputFmt: 'NCHW' | 'NLC'; returnPrefixTokens: boolean },
): Promise<{ intermediates: Tensor[]; prefixTokens: Tensor[] | null }> {
  const { prefix, grid } = options;
  const engine = outputs.arena.engine;
  const patches = grid[0] * grid[1];
  const split: Array<{ patches: DeviceTensor; prefix: DeviceTensor | null }> = [];
  for (const block of blocks) {
    const [batch, tokens, dim] = block.shape;
    if (tokens !== prefix + patches) throw new RangeError(`${tokens - prefix} patch tokens do not fill a ${grid[0]}x${grid[1]} grid`);
    options.norm?.forward(block.data, batch * tokens, block.data);
    const body = block.data.view(prefix * dim);
    let map: DeviceTensor;
    if (options.outputFmt === 'NCHW') {
      map = outputs.alloc([batch, dim, grid[0], grid[1]]);
      engine.ops.transpose({ x: body, out: map.data, batch, rows: patches, cols: dim, ldb: tokens * dim });
    } else {
      map = outputs.alloc([batch, patches, dim]);
      engine.ops.copyRows({ x: body, out: map.data, rows: batch, cols: patches * dim, ldx: tokens * dim });
    }
    let lead: DeviceTensor | null = null;
    if (options.returnPrefixTokens && prefix > 0) {
      lead = outputs.alloc([batch, prefix, dim]);
      engine.ops.copyRows({ x: block.data, out: lead.data, rows: batch, cols: prefix * dim, ldx: tokens * dim });
    }
    split.push({ patches: map, prefix: lead });
  }
  const intermediates: Tensor[] = [];
  const prefixTokens: Tensor[] = [];
  for (const s of split) {
    intermediates.push(await outputs.read(s.patches));
    if (s.prefix) prefixTokens.push(await outputs.read(s.prefix));
  }
  return { intermediates, prefixTokens: options.returnPrefixTokens && prefix > 0 ? prefixTokens : null };
}
