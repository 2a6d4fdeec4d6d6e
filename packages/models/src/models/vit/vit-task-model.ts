import type { Arena, Engine, Tensor } from '@purevit/core';
import type { WeightMap, WeightScope } from '@purevit/weights';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { ForwardIntermediatesOutput } from '../forward-contract.js';
import type { LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import type { LoadReport } from '../model-outputs.js';
import { adaptViTCheckpoint } from './vit-checkpoint.js';
import type { ViTConfig } from './vit-config.js';
import { ViTModel, type ViTForwardIntermediatesOptions, type ViTModelLoadOptions } from './vit-model.js';

/**
 * What transformers' ViT task models share: a ViTModel without pooler under `vit.`, whose engine,
 * attention kernel and lifetime are theirs, with a head of their own beside it.
 */
export abstract class ViTTaskModel {
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };

  constructor(
    readonly config: ViTConfig,
    readonly vit: ViTModel,
  ) {}

  get attnImplementation(): AttentionImplementation {
    return this.vit.attnImplementation;
  }

  set attnImplementation(impl: AttentionImplementation) {
    this.vit.attnImplementation = impl;
  }

  /** The engine holding the weights and running the kernels. */
  get engine(): Engine {
    return this.vit.engine;
  }

  /** Frees the weights and run state held in the engine's memory. */
  dispose(): Promise<void> {
    return this.vit.dispose();
  }

  /** timm's forward_intermediates, on the backbone (see ViTModel.forwardIntermediates). */
  forwardIntermediates(pixelValues: Tensor, options: ViTForwardIntermediatesOptions = {}): Promise<ForwardIntermediatesOutput> {
    return this.vit.forwardIntermediates(pixelValues, options);
  }
}

/**
 * A task model's `fromWeights`: the checkpoint adapted with its head modules, the backbone loaded from `vit.`
 * without pooler (`backbone`: further ViTModel options), then `head` builds the model around it.
 */
export function buildViTTaskModel<M extends ViTTaskModel>(
  config: ViTConfig,
  weights: WeightMap,
  headModules: readonly string[],
  options: LoadOptions,
  backbone: ViTModelLoadOptions,
  head: (arena: Arena, root: WeightScope, vit: ViTModel) => Promise<M>,
): Promise<M> {
  return buildFromWeights(adaptViTCheckpoint(weights, headModules), options, async (arena, root) => {
    const vit = await ViTModel.load(arena, root.pp('vit'), config, { ...options, addPoolingLayer: false, ...backbone });
    return head(arena, root, vit);
  });
}
