import type { Arena } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import type { EncoderInputs } from '../encoder/encoder-model.js';
import { loadFromRepo } from '../load-context.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import type { BaseModelOutputWithPooling } from '../model-outputs.js';
import { adaptDinov2Checkpoint } from './dinov2-checkpoint.js';
import { Dinov2Config } from './dinov2-config.js';
import { Dinov2FamilyModel } from './dinov2-family-model.js';

export interface Dinov2ModelLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: Dinov2Config;
}

/** Dinov2Model's forward arguments: there is no interpolate_pos_encoding (positions always follow the input). */
export type Dinov2ModelInputs = Omit<EncoderInputs, 'interpolatePosEncoding'>;

/**
 * transformers' Dinov2Model (facebook/dinov2-*): any input size (position embeddings resized bicubic,
 * no antialias), LayerScale, MLP or SwiGLU, mask token when use_mask_token. Checkpoint names:
 * embeddings.*, encoder.layer.<i>.{norm1, attention, layer_scale1, norm2, mlp, layer_scale2}.*, layernorm.*.
 */
export class Dinov2Model extends Dinov2FamilyModel<Dinov2Config> {
  static async fromPretrained(idOrPath: string, options: Dinov2ModelLoadOptions = {}): Promise<Dinov2Model> {
    return Dinov2Model.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: Dinov2ModelLoadOptions = {}): Promise<Dinov2Model> {
    return loadFromRepo('Dinov2Model', repo, options, (dict) => Dinov2Config.fromDict(dict), Dinov2Model.fromWeights);
  }

  /** Builds the model from an in-memory weight map (transformers' key names, with or without "dinov2."). */
  static async fromWeights(config: Dinov2Config, weights: WeightMap, options: Dinov2ModelLoadOptions = {}): Promise<Dinov2Model> {
    return buildFromWeights(adaptDinov2Checkpoint(weights), options, (arena, root) => Dinov2Model.load(arena, root, config, options));
  }

  /** Builds the model into `arena` from a scope at its root (`dinov2` inside Dinov2ForImageClassification). */
  static async load(arena: Arena, scope: WeightScope, config: Dinov2Config, options: LoadOptions = {}): Promise<Dinov2Model> {
    const parts = await Dinov2FamilyModel.parts(arena, scope, config, { what: 'Dinov2Model', registers: 0, antialias: false });
    return new Dinov2Model('Dinov2Model', arena, config, parts, resolveAttnImplementation(options));
  }

  override forward(inputs: Dinov2ModelInputs): Promise<BaseModelOutputWithPooling> {
    return super.forward(inputs);
  }
}
