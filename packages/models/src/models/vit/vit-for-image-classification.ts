import { Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { Linear } from '../../layers/linear.js';
import { classificationLoss, type Labels } from '../classification-loss.js';
import type { ForwardHeadOptions } from '../forward-contract.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import type { ImageClassifierOutput } from '../model-outputs.js';
import { ViTConfig } from './vit-config.js';
import { checkSequence, selectTokenDevice, type ViTModel, type ViTModelInputs } from './vit-model.js';
import { ViTTaskModel, buildViTTaskModel } from './vit-task-model.js';

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
 * token of the final-normed sequence (Identity when num_labels is 0). The loss is computed on the CPU from
 * the logits read back (classification-loss.ts).
 */
export class ViTForImageClassification extends ViTTaskModel {
  constructor(
    config: ViTConfig,
    vit: ViTModel,
    readonly classifier: Linear | null, // hidden → numLabels; null = Identity
  ) {
    super(config, vit);
  }

  static async fromPretrained(idOrPath: string, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return ViTForImageClassification.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return loadFromRepo('ViTForImageClassification', repo, options, (dict) => ViTConfig.fromDict(dict), ViTForImageClassification.fromWeights);
  }

  static async fromWeights(config: ViTConfig, weights: WeightMap, options: ViTForImageClassificationLoadOptions = {}): Promise<ViTForImageClassification> {
    return buildViTTaskModel(config, weights, HEAD_MODULES, options, {}, async (arena, root, vit) => {
      const n = config.numLabels;
      const classifier = n > 0 ? await Linear.load(arena, root.pp('classifier'), config.hiddenSize, n) : null;
      return new ViTForImageClassification(config, vit, classifier);
    });
  }

  async forward(inputs: ViTForImageClassificationInputs): Promise<ImageClassifierOutput> {
    const { labels, ...rest } = inputs;
    const vit = this.vit;
    const out = await vit.session(async (outputs) => {
      const { wantHidden, wantAttentions } = vit.wants(rest);
      const encoded = await vit.encodeInto(rest, { hidden: wantHidden ? vit.allHidden() : [], attentions: wantAttentions }, outputs);
      const logits = this.head(selectTokenDevice(encoded.final, 0, outputs), outputs);
      return {
        logits: await outputs.read(logits),
        hiddenStates: wantHidden ? await readEach(outputs, [...encoded.hidden.values()]) : null,
        attentions: encoded.attentions && (await readEach(outputs, encoded.attentions)),
      };
    });
    const loss = labels != null ? classificationLoss(this.config, out.logits, labels) : null;
    return { loss, ...out };
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues' | 'boolMaskedPos'> = {}): Promise<Tensor> {
    return this.vit.forwardFeatures(pixelValues, options);
  }

  /** timm's forward_head: logits [batch, numLabels], or with preLogits the [CLS] features [batch, hidden]. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return this.vit.session(async (outputs) => {
      const cls = selectTokenDevice(outputs.upload(checkSequence(features, this.config.hiddenSize)), 0, outputs);
      return outputs.read(options.preLogits ? cls : this.head(cls, outputs));
    });
  }

  /** classifier(cls [batch, hidden]), or cls itself without one. */
  private head(cls: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
    if (!this.classifier) return cls;
    const batch = cls.shape[0];
    const logits = outputs.alloc([batch, this.classifier.outFeatures]);
    this.classifier.forward({ x: cls.data, rows: batch, out: logits.data });
    return logits;
  }
}

async function readEach(outputs: ForwardOutputs, tensors: readonly DeviceTensor[]): Promise<Tensor[]> {
  const out: Tensor[] = [];
  for (const t of tensors) out.push(await outputs.read(t));
  return out;
}
