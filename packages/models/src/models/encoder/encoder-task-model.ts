import type { Arena, Engine, Tensor } from '@purevit/core';
import type { WeightMap, WeightScope } from '@purevit/weights';
import type { VisionEncoderConfig } from '../../configs/vision-encoder-config.js';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { ForwardIntermediatesOutput } from '../forward-contract.js';
import type { LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import type { LoadReport } from '../model-outputs.js';
import type { EncoderInputs, EncoderIntermediatesOptions, EncoderModel } from './encoder-model.js';

/**
 * What the relatives' task models share: a backbone (under `deit.`, `dinov2.`, `beit.` or `vit.` in the
 * checkpoint) whose engine, attention kernel and lifetime are theirs, with a head of their own beside it.
 */
export abstract class EncoderTaskModel<C extends VisionEncoderConfig, B extends EncoderModel<C>> {
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };

  constructor(
    readonly config: C,
    /** The backbone (transformers' `self.deit` / `self.dinov2` / `self.beit` / `self.vit`). */
    readonly backbone: B,
  ) {}

  get attnImplementation(): AttentionImplementation {
    return this.backbone.attnImplementation;
  }

  set attnImplementation(impl: AttentionImplementation) {
    this.backbone.attnImplementation = impl;
  }

  /** The engine holding the weights and running the ops. */
  get engine(): Engine {
    return this.backbone.engine;
  }

  /** Frees the weights and run state held in the engine's memory. */
  dispose(): Promise<void> {
    return this.backbone.dispose();
  }

  /** timm's forward_features: the backbone's final token sequence [batch, tokens, hidden]. */
  forwardFeatures(pixelValues: Tensor, options: Omit<EncoderInputs, 'pixelValues' | 'boolMaskedPos'> = {}): Promise<Tensor> {
    return this.backbone.forwardFeatures(pixelValues, options);
  }

  /** timm's forward_intermediates, on the backbone. */
  forwardIntermediates(pixelValues: Tensor, options: EncoderIntermediatesOptions = {}): Promise<ForwardIntermediatesOutput> {
    return this.backbone.forwardIntermediates(pixelValues, options);
  }
}

/**
 * A task model's `fromWeights`: the checkpoint already adapted to the task naming, the backbone loaded from
 * `prefix` (its class's `load`), then `head` builds the model around it.
 */
export function buildTaskModel<M extends { loadReport: LoadReport }, B>(
  weights: WeightMap,
  options: LoadOptions,
  prefix: string,
  backbone: (arena: Arena, scope: WeightScope) => Promise<B>,
  head: (arena: Arena, root: WeightScope, backbone: B) => Promise<M>,
): Promise<M> {
  return buildFromWeights(weights, options, async (arena, root) => head(arena, root, await backbone(arena, root.pp(prefix))));
}
