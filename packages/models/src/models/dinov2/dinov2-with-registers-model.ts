import type { Arena } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { loadFromRepo } from '../load-context.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import type { BaseModelOutputWithPooling } from '../model-outputs.js';
import { DINOV2_WITH_REGISTERS_BACKBONE, adaptDinov2Checkpoint } from './dinov2-checkpoint.js';
import { Dinov2FamilyModel } from './dinov2-family-model.js';
import type { Dinov2ModelInputs } from './dinov2-model.js';
import { Dinov2WithRegistersConfig } from './dinov2-with-registers-config.js';

export interface Dinov2WithRegistersModelLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: Dinov2WithRegistersConfig;
}

/**
 * transformers' Dinov2WithRegistersModel (facebook/dinov2-with-registers-*): DINOv2 with
 * num_register_tokens tokens after [CLS] (`embeddings.register_tokens`, no positions), the position table
 * resized with antialias, and always a mask token. The sequence is [CLS, registers, patches].
 */
export class Dinov2WithRegistersModel extends Dinov2FamilyModel<Dinov2WithRegistersConfig> {
  static async fromPretrained(idOrPath: string, options: Dinov2WithRegistersModelLoadOptions = {}): Promise<Dinov2WithRegistersModel> {
    return Dinov2WithRegistersModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: Dinov2WithRegistersModelLoadOptions = {}): Promise<Dinov2WithRegistersModel> {
    return loadFromRepo('Dinov2WithRegistersModel', repo, options, (dict) => Dinov2WithRegistersConfig.fromDict(dict), Dinov2WithRegistersModel.fromWeights);
  }

  static async fromWeights(config: Dinov2WithRegistersConfig, weights: WeightMap, options: Dinov2WithRegistersModelLoadOptions = {}): Promise<Dinov2WithRegistersModel> {
    return buildFromWeights(adaptDinov2Checkpoint(weights, DINOV2_WITH_REGISTERS_BACKBONE), options, (arena, root) => Dinov2WithRegistersModel.load(arena, root, config, options));
  }

  static async load(arena: Arena, scope: WeightScope, config: Dinov2WithRegistersConfig, options: LoadOptions = {}): Promise<Dinov2WithRegistersModel> {
    const layout = { what: 'Dinov2WithRegistersModel', registers: config.numRegisterTokens, antialias: true };
    const parts = await Dinov2FamilyModel.parts(arena, scope, config, layout);
    return new Dinov2WithRegistersModel('Dinov2WithRegistersModel', arena, config, parts, resolveAttnImplementation(options));
  }

  override forward(inputs: Dinov2ModelInputs): Promise<BaseModelOutputWithPooling> {
    return super.forward(inputs);
  }
}
