import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { Attention } from '../../layers/attention.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { LayerScale } from '../../layers/layer-scale.js';
import { Linear, concatLinears, readLinear } from '../../layers/linear.js';
import { Mlp, activationName } from '../../layers/mlp.js';
import { TransformerBlock } from '../../layers/transformer-block.js';
import type { BeitConfig } from './beit-config.js';
import { BeitRelativePositionBias } from './relative-position-bias.js';

/** A BEiT layer: the block, and its own relative position bias (use_relative_position_bias) or null. */
export interface BeitLayer {
  block: TransformerBlock;
  relativePositionBias: BeitRelativePositionBias | null;
}

/**
 * One transformers BeitLayer from `encoder.layer.<i>`:
 *   layernorm_before → attention.attention.{query (bias), key (no bias), value (bias)} (+ relative position bias)
 *     → attention.output.dense → lambda_1 (+ residual)
 *   layernorm_after → intermediate.dense (+ act) → output.dense → lambda_2 (+ residual)
 * lambda_1 / lambda_2 exist when layer_scale_init_value > 0. Drop path acts in training only.
 */
export async function loadBeitLayer(arena: Arena, scope: WeightScope, config: BeitConfig, window: readonly [number, number]): Promise<BeitLayer> {
  const d = config.hiddenSize;
  const selfAttention = scope.pp('attention').pp('attention');
  const qkv = concatLinears([
    await readLinear(selfAttention.pp('query'), d, d),
    await readLinear(selfAttention.pp('key'), d, d, false),
    await readLinear(selfAttention.pp('value'), d, d),
  ]);
  const attn = new Attention(new Linear(arena, qkv), await Linear.load(arena, scope.pp('attention').pp('output').pp('dense'), d, d), config.numAttentionHeads);
  const layerScale = config.layerScaleInitValue > 0;
  const block = new TransformerBlock({
    norm1: await LayerNorm.load(arena, scope.pp('layernorm_before'), d, config.layerNormEps),
    attn,
    ls1: layerScale ? new LayerScale(arena, await scope.get('lambda_1', [d]), d) : null,
    norm2: await LayerNorm.load(arena, scope.pp('layernorm_after'), d, config.layerNormEps),
    mlp: new Mlp(
      await Linear.load(arena, scope.pp('intermediate').pp('dense'), d, config.intermediateSize),
      await Linear.load(arena, scope.pp('output').pp('dense'), config.intermediateSize, d),
      activationName(config.hiddenAct),
    ),
    ls2: layerScale ? new LayerScale(arena, await scope.get('lambda_2', [d]), d) : null,
  });
  const relativePositionBias = config.useRelativePositionBias
    ? await BeitRelativePositionBias.load(arena, selfAttention.pp('relative_position_bias'), window, config.numAttentionHeads)
    : null;
  return { block, relativePositionBias };
}
