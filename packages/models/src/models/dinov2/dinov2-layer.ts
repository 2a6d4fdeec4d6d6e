import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { Attention } from '../../layers/attention.js';
import type { FeedForward } from '../../layers/feed-forward.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { LayerScale } from '../../layers/layer-scale.js';
import { Linear, concatLinears, readLinear } from '../../layers/linear.js';
import { Mlp, activationName } from '../../layers/mlp.js';
import { SwiGluMlp } from '../../layers/swiglu-mlp.js';
import { TransformerBlock } from '../../layers/transformer-block.js';
import type { Dinov2Config } from './dinov2-config.js';

/**
 * One transformers Dinov2Layer (with or without registers) from `encoder.layer.<i>`:
 *   norm1 → attention.attention.{query,key,value} → attention.output.dense → layer_scale1.lambda1 (+ residual)
 *   norm2 → mlp.{fc1 → act → fc2 | weights_in → SwiGLU → weights_out} → layer_scale2.lambda1 (+ residual)
 * Drop path acts in training only.
 */
export async function loadDinov2Layer(arena: Arena, scope: WeightScope, config: Dinov2Config): Promise<TransformerBlock> {
  const d = config.hiddenSize;
  const selfAttention = scope.pp('attention').pp('attention');
  const [query, key, value] = await Promise.all(['query', 'key', 'value'].map((name) => readLinear(selfAttention.pp(name), d, d, config.qkvBias)));
  const attn = new Attention(
    new Linear(arena, concatLinears([query, key, value])),
    await Linear.load(arena, scope.pp('attention').pp('output').pp('dense'), d, d),
    config.numAttentionHeads,
  );
  return new TransformerBlock({
    norm1: await LayerNorm.load(arena, scope.pp('norm1'), d, config.layerNormEps),
    attn,
    ls1: new LayerScale(arena, await scope.pp('layer_scale1').get('lambda1', [d]), d),
    norm2: await LayerNorm.load(arena, scope.pp('norm2'), d, config.layerNormEps),
    mlp: await loadDinov2Mlp(arena, scope.pp('mlp'), config),
    ls2: new LayerScale(arena, await scope.pp('layer_scale2').get('lambda1', [d]), d),
  });
}

/** Dinov2MLP (fc1: int(hidden · mlp_ratio)) or Dinov2SwiGLUFFN (use_swiglu_ffn). */
async function loadDinov2Mlp(arena: Arena, scope: WeightScope, config: Dinov2Config): Promise<FeedForward> {
  const d = config.hiddenSize;
  if (config.useSwigluFfn) {
    const w = config.swigluHiddenSize;
    return SwiGluMlp.fromWeights(arena, await readLinear(scope.pp('weights_in'), d, 2 * w), await readLinear(scope.pp('weights_out'), w, d));
  }
  const h = config.mlpHiddenSize;
  return new Mlp(await Linear.load(arena, scope.pp('fc1'), d, h), await Linear.load(arena, scope.pp('fc2'), h, d), activationName(config.hiddenAct));
}

/** Scratch floats per row of a layer's MLP. */
export function dinov2MlpDim(config: Dinov2Config): number {
  return config.useSwigluFfn ? 2 * config.swigluHiddenSize : config.mlpHiddenSize;
}
