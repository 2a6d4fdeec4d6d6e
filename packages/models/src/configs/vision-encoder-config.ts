/**
 * The fields every transformers ViT-style image encoder config shares (DeiT, DINOv2, BEiT, ViTMAE,
 * ViTMSN at the golden's pinned commit), with transformers' defaults; each family's config adds its
 * own fields and its two family defaults (layer_norm_eps, patch_size).
 */

import { ConfigError, checkBound, formatValue } from '@purevit/weights';
import { activationField } from './activation-field.js';
import { PretrainedConfig, isJsonObject, optionalInteger, optionalNumber, type JsonObject } from './pretrained-config.js';
import { parseSize2, toPair, type Size2 } from './size2.js';

/** config.json keys read here. */
export const ENCODER_KEYS = [
  'hidden_size',
  'num_hidden_layers',
  'num_attention_heads',
  'hidden_act',
  'hidden_dropout_prob',
  'attention_probs_dropout_prob',
  'initializer_range',
  'layer_norm_eps',
  'image_size',
  'patch_size',
  'num_channels',
] as const;

/** The defaults that differ between families. */
export interface EncoderDefaults {
  readonly layerNormEps: number;
  readonly patchSize: number;
}

export abstract class VisionEncoderConfig extends PretrainedConfig {
  hiddenSize: number;
  numHiddenLayers: number;
  numAttentionHeads: number;
  /** transformers ACT2FN name; "gelu" is the exact (erf) GELU. */
  hiddenAct: string;
  hiddenDropoutProb: number;
  attentionProbsDropoutProb: number;
  initializerRange: number;
  layerNormEps: number;
  imageSize: Size2;
  patchSize: Size2;
  numChannels: number;

  protected constructor(dict: JsonObject, modelType: string, consumed: readonly string[], defaults: EncoderDefaults) {
    super(dict, modelType, [...ENCODER_KEYS, ...consumed]);
    this.hiddenSize = optionalInteger(dict, 'hidden_size', 'width') ?? 768;
    this.numHiddenLayers = optionalInteger(dict, 'num_hidden_layers', 'layers') ?? 12;
    this.numAttentionHeads = optionalInteger(dict, 'num_attention_heads', 'heads') ?? 12;
    this.hiddenAct = activationField(dict, 'hidden_act', 'gelu');
    this.hiddenDropoutProb = optionalNumber(dict, 'hidden_dropout_prob') ?? 0.0;
    this.attentionProbsDropoutProb = optionalNumber(dict, 'attention_probs_dropout_prob') ?? 0.0;
    this.initializerRange = optionalNumber(dict, 'initializer_range') ?? 0.02;
    // A zero, negative or NaN eps makes every LayerNorm output NaN (or Inf) for some input.
    this.layerNormEps = optionalNumber(dict, 'layer_norm_eps', 'eps') ?? defaults.layerNormEps;
    this.imageSize = parseSize2(dict, 'image_size', 'imageSide') ?? 224;
    this.patchSize = parseSize2(dict, 'patch_size', 'patchSide') ?? defaults.patchSize;
    this.numChannels = optionalInteger(dict, 'num_channels', 'channels') ?? 3;
    checkDivisible(this.hiddenSize, this.numAttentionHeads, 'The hidden size', 'num_attention_heads');
    const [h, w] = this.imageSize2;
    const [ph, pw] = this.patchSize2;
    if (ph > h || pw > w) {
      throw new ConfigError('inconsistent', `config field patch_size ${formatValue(this.patchSize)} is larger than image_size ${formatValue(this.imageSize)}`, { field: 'patch_size' });
    }
    checkBound(this.numPatches, 'patches', 'image_size / patch_size', 'patches per image from');
  }

  get headDim(): number {
    return this.hiddenSize / this.numAttentionHeads;
  }

  /** [height, width] of the training resolution. */
  get imageSize2(): [number, number] {
    return toPair(this.imageSize);
  }

  /** [height, width] of a patch. */
  get patchSize2(): [number, number] {
    return toPair(this.patchSize);
  }

  /** [rows, columns] of the patch grid at the training resolution (the position table's grid). */
  get gridSize(): [number, number] {
    const [h, w] = this.imageSize2;
    const [ph, pw] = this.patchSize2;
    return [Math.floor(h / ph), Math.floor(w / pw)];
  }

  /** Patches at the training resolution: (H // ph) · (W // pw), as the patch embeddings count them. */
  get numPatches(): number {
    const [gh, gw] = this.gridSize;
    return gh * gw;
  }

  /** The family's own fields in config.json form (snake_case). */
  protected abstract familyDict(): JsonObject;

  /** The config as transformers would write it (snake_case), unknown fields included. */
  toDict(): JsonObject {
    const out: JsonObject = {
      ...this.extra,
      model_type: this.modelType,
      hidden_size: this.hiddenSize,
      num_hidden_layers: this.numHiddenLayers,
      num_attention_heads: this.numAttentionHeads,
      hidden_act: this.hiddenAct,
      hidden_dropout_prob: this.hiddenDropoutProb,
      attention_probs_dropout_prob: this.attentionProbsDropoutProb,
      initializer_range: this.initializerRange,
      layer_norm_eps: this.layerNormEps,
      image_size: this.imageSize,
      patch_size: this.patchSize,
      num_channels: this.numChannels,
      ...this.familyDict(),
      id2label: Object.fromEntries(Object.entries(this.id2label)),
      label2id: this.label2id,
      problem_type: this.problemType,
    };
    if (this.architectures) out.architectures = this.architectures;
    return out;
  }
}

/** The JSON object a fromDict was given, checked to be one with the expected model_type (or none). */
export function checkConfigDict(dict: unknown, className: string, modelType: string): JsonObject {
  if (!isJsonObject(dict)) throw new ConfigError('invalid_json', `${className}.fromDict expects a JSON object, got ${formatValue(dict)}`);
  const given = dict.model_type;
  if (given != null && given !== modelType) {
    throw new ConfigError('inconsistent', `${className} cannot read a config with model_type ${formatValue(given)} (expected "${modelType}")`, { field: 'model_type' });
  }
  return dict;
}

/** `size` must split into `heads` equal heads (transformers' check in every attention layer). */
export function checkDivisible(size: number, heads: number, what: string, field: string): void {
  if (size % heads !== 0) {
    throw new ConfigError('inconsistent', `${what} ${size} is not a multiple of the number of attention heads ${heads}`, { field });
  }
}
