import { Tensor, type Engine } from '@purevit/core';
import { WeightScope, loadWeights, type ModelRepo, type WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import type { AttentionImplementation } from '../../layers/attention.js';
import { Linear } from '../../layers/linear.js';
import { classificationLoss, type Labels } from '../classification-loss.js';
import { withLoadContext } from '../load-context.js';
import { buildIn, openArena } from '../model-arena.js';
import type { LoadOptions } from '../load-options.js';
import type { ImageClassifierOutput, LoadReport } from '../model-outputs.js';
import { selectToken } from '../tensor-utils.js';
import { adaptViTCheckpoint } from './vit-checkpoint.js';
import { ViTConfig } from './vit-config.js';
import { ViTModel, type ForwardHeadOptions, type ViTModelInputs } from './vit-model.js';

export interface ViTForImageClassificationLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: ViTConfig;
}

export interface ViTForImageClassificationInputs extends Omit<ViTModelInputs, 'boolMaskedPos'> {
  /** Class indices [batch] (integer) or float targets; a loss is returned when given. */
  labels?: Labels | null;
}

/** Checkpoint modules of the head (everything else is the backbone under `vit.`). */
const HEAD_MODULES = ['classifier'];

/**
 * transformers' ViTForImageClassification: ViTModel without pooler, then `classifier` on the [CLS]
 * token of the final-normed sequence (Identity when num_labels is 0).
 */
export class ViTForImageClassification {
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [] };

  constructor(
    readonly config: ViTConfig,
    readonly vit: ViTModel,
    readonly classifier: Linear | null, // hidden → numLabels; null = Identity
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

  static async fromPretrained(idOrPath: string, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return ViTForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return withLoadContext('ViTForImageClassification', repo.id, async () => {
      const config = options.config ?? ViTConfig.fromDict(await repo.readJson('config.json'));
      return ViTForImageClassification.fromWeights(config, await loadWeights(repo), options);
    });
  }

  static async fromWeights(config: ViTConfig, weights: WeightMap, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    const adapted = adaptViTCheckpoint(weights, HEAD_MODULES);
    const root = new WeightScope(adapted);
    const arena = await openArena(adapted, options);
    const model = await buildIn(arena, async () => {
      const vit = await ViTModel.load(arena, root.pp('vit'), config, { ...options, addPoolingLayer: false });
      const n = config.numLabels;
      const classifier = n > 0 ? await Linear.load(arena, root.pp('classifier'), config.hiddenSize, n) : null;
      return new ViTForImageClassification(config, vit, classifier);
    });
    model.loadReport = { missingKeys: [], unexpectedKeys: root.unusedKeys() };
    return model;
  }

  async forward(inputs: ViTForImageClassificationInputs): Promise<ImageClassifierOutput> {
    const { labels, ...rest } = inputs;
    const encoded = await this.vit.encode(rest);
    const logits = await this.head(selectToken(encoded.lastHiddenState));
    const loss = labels != null ? classificationLoss(this.config, logits, labels) : null;
    return { loss, logits, hiddenStates: encoded.hiddenStates, attentions: encoded.attentions };
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues' | 'boolMaskedPos'> = {}): Promise<Tensor> {
    return this.vit.forwardFeatures(pixelValues, options);
  }

  /** timm's forward_head: logits [batch, numLabels], or with preLogits the [CLS] features [batch, hidden]. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    const cls = selectToken(features);
    return options.preLogits ? cls : this.head(cls);
  }

  private async head(cls: Tensor): Promise<Tensor> {
    if (!this.classifier) return cls;
    const batch = cls.shape[0];
    const logits = Tensor.zeros([batch, this.classifier.outFeatures]);
    await this.classifier.forward(cls.data, batch, logits.data);
    return logits;
  }
}
