import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import type { AttentionImplementation } from '../../layers/attention.js';
import { LayerNorm } from '../../layers/layer-norm.js';
import { EncoderModel } from '../encoder/encoder-model.js';
import { meanTokensDevice } from '../encoder/head-ops.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import { selectTokenDevice } from '../vit/vit-model.js';
import type { Dinov2Config } from './dinov2-config.js';
import { loadDinov2Embeddings } from './dinov2-embeddings.js';
import { dinov2MlpDim, loadDinov2Layer } from './dinov2-layer.js';

/** How the two DINOv2 classes differ: register tokens and the antialiased position resize. */
export interface Dinov2Layout {
  what: string;
  registers: number;
  antialias: boolean;
}

/**
 * What Dinov2Model and Dinov2WithRegistersModel share: embeddings → Dinov2 layers (LayerScale, MLP or
 * SwiGLU) → final `layernorm`; pooler_output is the final-normed [CLS] (no weights); the classifier reads
 * concat([CLS], mean of the patch tokens — registers excluded).
 */
export abstract class Dinov2FamilyModel<C extends Dinov2Config> extends EncoderModel<C> {
  /** The parts of a DINOv2 model from a scope at its root (`dinov2` inside the classifiers). */
  protected static async parts<C extends Dinov2Config>(arena: Arena, scope: WeightScope, config: C, layout: Dinov2Layout) {
    const embeddings = await loadDinov2Embeddings(arena, scope.pp('embeddings'), config, layout);
    const encoder = [];
    for (let i = 0; i < config.numHiddenLayers; i++) encoder.push(await loadDinov2Layer(arena, scope.pp('encoder').pp('layer').pp(i), config));
    const layernorm = await LayerNorm.load(arena, scope.pp('layernorm'), config.hiddenSize, config.layerNormEps);
    return { embeddings, encoder, layernorm, mlpDim: dinov2MlpDim(config) };
  }

  protected constructor(what: string, arena: Arena, config: C, parts: Awaited<ReturnType<typeof Dinov2FamilyModel.parts>>, attn: AttentionImplementation) {
    super(what, arena, config, parts.embeddings, parts.encoder, parts.layernorm, parts.mlpDim, attn);
  }

  /** pooler_output = last_hidden_state[:, 0]. */
  poolDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
    return selectTokenDevice(final, 0, outputs);
  }

  /** The classifier's input: concat([CLS], mean of the patch tokens) [batch, 2·hidden]. */
  override headInputDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
    const [batch, tokens, dim] = final.shape;
    const out = outputs.alloc([batch, 2 * dim]);
    this.engine.ops.copyRows({ x: final.data, out: out.data, rows: batch, cols: dim, ldx: tokens * dim, ldo: 2 * dim });
    return meanTokensDevice(final, this.embeddings.prefixTokens, outputs, { tensor: out, offset: dim, ldo: 2 * dim });
  }
}
