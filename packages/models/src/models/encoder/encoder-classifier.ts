import type { Arena, Tensor } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import type { VisionEncoderConfig } from '../../configs/vision-encoder-config.js';
import { Linear } from '../../layers/linear.js';
import { classificationLoss, type Labels } from '../classification-loss.js';
import type { ForwardHeadOptions } from '../forward-contract.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import type { ImageClassifierOutput } from '../model-outputs.js';
import { checkSequence } from '../vit/vit-model.js';
import type { EncoderInputs, EncoderModel } from './encoder-model.js';
import { EncoderTaskModel } from './encoder-task-model.js';
import { applyLinear } from './head-ops.js';

export interface ClassifierInputs extends Omit<EncoderInputs, 'boolMaskedPos'> {
  /** Class indices [batch] (integer) or float targets; a loss is returned when given. */
  labels?: Labels | null;
}

/** `<scope>` as nn.Linear(inFeatures, numLabels), or null (transformers' Identity) when num_labels is 0. */
export async function loadClassifier(arena: Arena, scope: WeightScope, inFeatures: number, numLabels: number): Promise<Linear | null> {
  return numLabels > 0 ? Linear.load(arena, scope, inFeatures, numLabels) : null;
}

/**
 * transformers' *ForImageClassification of the relatives: `classifier` on what the backbone's family reads
 * (its headInputDevice: the final-normed [CLS] for DeiT and ViTMSN, [CLS, patch mean] for DINOv2, the pooler
 * output for BEiT); the loss on the CPU from the logits read back (problem_type as transformers infers it).
 */
export class EncoderClassifier<C extends VisionEncoderConfig, B extends EncoderModel<C>> extends EncoderTaskModel<C, B> {
  constructor(
    config: C,
    backbone: B,
    readonly classifier: Linear | null, // head input → numLabels; null = Identity
  ) {
    super(config, backbone);
  }

  async forward(inputs: ClassifierInputs): Promise<ImageClassifierOutput> {
    const { labels, ...rest } = inputs;
    const { heads, hiddenStates, attentions } = await this.backbone.run(rest, (encoded, outputs) => ({ logits: this.logitsDevice(encoded.final, outputs) }));
    const logits = heads.logits!;
    return { loss: labels != null ? classificationLoss(this.config, logits, labels) : null, logits, hiddenStates, attentions };
  }

  /** timm's forward_head: logits [batch, numLabels], or with preLogits the features the classifier reads. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return this.backbone.session(async (outputs) => {
      const x = outputs.upload(checkSequence(features, this.config.hiddenSize));
      return outputs.read(options.preLogits ? this.backbone.headInputDevice(x, outputs) : this.logitsDevice(x, outputs));
    });
  }

  private logitsDevice(final: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
    return applyLinear(this.backbone.headInputDevice(final, outputs), this.classifier, outputs);
  }
}
