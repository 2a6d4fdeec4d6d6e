import type { Engine, Tensor } from '@purevit/core';
import { WeightScope, loadWeights, type ModelRepo, type WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import type { AttentionImplementation } from '../../layers/attention.js';
import { classificationLoss, type Labels } from '../classification-loss.js';
import { withLoadContext } from '../load-context.js';
import { buildIn, openArena } from '../model-arena.js';
import { resolveAttnImplementation } from '../load-options.js';
import type { ImageClassifierOutput, LoadReport } from '../model-outputs.js';
import { resolveArchitecture } from './architectures.js';
import { createTimmModel } from './create-timm-model.js';
import { adaptTimmCheckpoint } from './timm-checkpoint.js';
import type { TimmForwardHeadOptions, TimmForwardIntermediatesOptions, TimmForwardIntermediatesOutput, TimmModel } from './timm-model.js';
import { TimmWrapperConfig } from './timm-wrapper-config.js';
import { hiddenStatesRequest, type TimmWrapperLoadOptions } from './timm-wrapper-model.js';

export interface TimmWrapperForImageClassificationInputs {
  pixelValues: Tensor; // [batch, channels, height, width]
  /** Class indices [batch] (integer) or float targets; a loss is returned when given. */
  labels?: Labels | null;
  /** As TimmWrapperModel: true or a list of forward_intermediates indices. */
  outputHiddenStates?: boolean | readonly number[];
  /** timm models return no attentions: true is an error, as in transformers. */
  outputAttentions?: boolean;
}

/**
 * transformers' TimmWrapperForImageClassification: `timm.create_model(config.architecture,
 * num_classes=config.num_labels, **config.model_args)`; logits = timm's forward (or forward_head of
 * forward_intermediates' final features when hidden states are requested), loss as in ViT.
 */
export class TimmWrapperForImageClassification {
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };

  constructor(
    readonly config: TimmWrapperConfig,
    readonly timmModel: TimmModel,
  ) {}

  get attnImplementation(): AttentionImplementation {
    return this.timmModel.attnImplementation;
  }

  set attnImplementation(impl: AttentionImplementation) {
    this.timmModel.attnImplementation = impl;
  }

  static async fromPretrained(idOrPath: string, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperForImageClassification> {
    return TimmWrapperForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperForImageClassification> {
    return withLoadContext('TimmWrapperForImageClassification', repo.id, async () => {
      const config = options.config ?? TimmWrapperConfig.fromDict(await repo.readJson('config.json'), options);
      return TimmWrapperForImageClassification.fromWeights(config, await loadWeights(repo), options);
    });
  }

  static async fromWeights(config: TimmWrapperConfig, weights: WeightMap, options: TimmWrapperLoadOptions = {}): Promise<TimmWrapperForImageClassification> {
    if (config.numLabels === 0) {
      throw new Error(
        'You are trying to load weights into TimmWrapperForImageClassification from a checkpoint with no classifier head. ' +
          'Specify the number of classes (numLabels: 10) or use TimmWrapperModel for feature extraction.',
      );
    }
    const attn = resolveAttnImplementation(options);
    const architecture = resolveArchitecture(config.architecture, config.modelArgs);
    const adapted = adaptTimmCheckpoint(weights);
    const root = new WeightScope(adapted);
    const arena = await openArena(adapted, options);
    const timmModel = await buildIn(arena, () => createTimmModel(arena, root, architecture, config.numLabels));
    const model = new TimmWrapperForImageClassification(config, timmModel);
    model.attnImplementation = attn;
    model.loadReport = { missingKeys: [], unexpectedKeys: root.unusedKeys() };
    return model;
  }

  async forward(inputs: TimmWrapperForImageClassificationInputs): Promise<ImageClassifierOutput> {
    if (inputs.outputAttentions ?? this.config.outputAttentions) throw new Error('Cannot set `output_attentions` for timm models.');
    const hidden = hiddenStatesRequest(inputs.outputHiddenStates, this.config.outputHiddenStates);
    let logits: Tensor;
    let hiddenStates: Tensor[] | null = null;
    if (hidden.want) {
      const out = await this.timmModel.forwardIntermediates(inputs.pixelValues, { indices: hidden.indices });
      logits = await this.timmModel.forwardHead(out.final!);
      hiddenStates = out.intermediates;
    } else {
      logits = await this.timmModel.forward(inputs.pixelValues);
    }
    const loss = inputs.labels != null ? classificationLoss(this.config, logits, inputs.labels) : null;
    return { loss, logits, hiddenStates, attentions: null };
  }

  /** timm's forward_features. */
  async forwardFeatures(pixelValues: Tensor): Promise<Tensor> {
    return this.timmModel.forwardFeatures(pixelValues);
  }

  /** timm's forward_head: logits, or with preLogits the pooled features the classifier reads. */
  async forwardHead(features: Tensor, options: TimmForwardHeadOptions = {}): Promise<Tensor> {
    return this.timmModel.forwardHead(features, options);
  }

  /** The engine holding the weights and running the kernels. */
  get engine(): Engine {
    return this.timmModel.engine;
  }

  /** Frees the weights and run state held in the engine's memory. */
  dispose(): Promise<void> {
    return this.timmModel.dispose();
  }

  /** timm's forward_intermediates. */
  async forwardIntermediates(pixelValues: Tensor, options: TimmForwardIntermediatesOptions = {}): Promise<TimmForwardIntermediatesOutput> {
    return this.timmModel.forwardIntermediates(pixelValues, options);
  }
}
