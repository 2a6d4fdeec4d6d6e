import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { Attention } from '../../layers/attention.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { Linear, concatLinears, readLinear } from '../../layers/linear.js';
import { Mlp, activationName } from '../../layers/mlp.js';
import { TransformerBlock } from '../../layers/transformer-block.js';
import type { ViTConfig } from './vit-config.js';

/** The config fields a ViTLayer reads (DeiT, ViTMSN, ViTMAE's encoder and decoder build the same layer). */
export type ViTLayerConfig = Pick<ViTConfig, 'hiddenSize' | 'numAttentionHeads' | 'intermediateSize' | 'hiddenAct' | 'layerNormEps' | 'qkvBias'>;

/**
 * One transformers ViTLayer from `encoder.layer.<i>`:
 *   layernorm_before → attention.attention.{query,key,value} → attention.output.dense (+ residual)
 *   layernorm_after → intermediate.dense (+ act) → output.dense (+ residual)
 * The separate query/key/value projections are stacked into one qkv projection at load.
 */
export async function loadViTLayer(arena: Arena, scope: WeightScope, config: ViTLayerConfig): Promise<TransformerBlock> {
  const d = config.hiddenSize;
  const selfAttention = scope.pp('attention').pp('attention');
  const [query, key, value] = await Promise.all(
    ['query', 'key', 'value'].map((name) => readLinear(selfAttention.pp(name), d, d, config.qkvBias)),
  );
  const attn = new Attention(
    new Linear(arena, concatLinears([query, key, value])),
    await Linear.load(arena, scope.pp('attention').pp('output').pp('dense'), d, d),
    config.numAttentionHeads,
  );
  const mlp = new Mlp(
    await Linear.load(arena, scope.pp('intermediate').pp('dense'), d, config.intermediateSize),
    await Linear.load(arena, scope.pp('output').pp('dense'), config.intermediateSize, d),
    activationName(config.hiddenAct),
  );
  return new TransformerBlock({
    norm1: await LayerNorm.load(arena, scope.pp('layernorm_before'), d, config.layerNormEps),
    attn,
    norm2: await LayerNorm.load(arena, scope.pp('layernorm_after'), d, config.layerNormEps),
    mlp,
  });
}

/** transformers' ViTEncoder: `encoder.layer.0 … encoder.layer.<num_hidden_layers - 1>` (ViTMAE's decoder: `decoder.decoder_layers.<i>`). */
export async function loadViTEncoder(
  arena: Arena,
  scope: WeightScope,
  config: ViTLayerConfig & Pick<ViTConfig, 'numHiddenLayers'>,
  layerName = 'layer',
): Promise<TransformerBlock[]> {
  const layers: TransformerBlock[] = [];
  for (let i = 0; i < config.numHiddenLayers; i++) layers.push(await loadViTLayer(arena, scope.pp(layerName).pp(i), config));
  return layers;
}
