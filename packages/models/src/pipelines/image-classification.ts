import { activationReference, runReference } from '@purevit/core';
import type { AnyImageProcessor, ImageInput } from '@purevit/image';
import { AutoModelForImageClassification } from '../auto/auto-model.js';
import type { PretrainedConfig } from '../configs/pretrained-config.js';
import type { ImageClassificationModel } from '../models/model-interfaces.js';
import { inBatches, inputList, type PipelineInput } from './batching.js';
import { loadPipelineParts } from './load-parts.js';
import { checkProcessorFitsModel } from './input-size-check.js';
import { checkFinite } from './output-check.js';
import { DEFAULT_BATCH_SIZE, checkBatchSize, type PipelineCallOptions, type PipelineOptions } from './pipeline-options.js';

/** How logits become scores: transformers' ClassificationFunction. */
export type ClassificationFunction = 'softmax' | 'sigmoid' | 'none';

export interface ImageClassificationOptions extends PipelineCallOptions {
  /** How many labels to return per image, best first (default 5, at most the number of labels). */
  topK?: number;
  /** Default by the config, as transformers: sigmoid for multi-label (or one label), else softmax. */
  functionToApply?: ClassificationFunction;
}

export interface ClassificationResult {
  label: string;
  score: number;
}

/** `pipeline('image-classification')`: call it with one image or a list. */
export interface ImageClassificationPipeline {
  (image: ImageInput, options?: ImageClassificationOptions): Promise<ClassificationResult[]>;
  (images: readonly ImageInput[], options?: ImageClassificationOptions): Promise<ClassificationResult[][]>;
  readonly task: 'image-classification';
  readonly model: ImageClassificationModel;
  readonly processor: AnyImageProcessor;
}

/** transformers' ImageClassificationPipeline.postprocess default. */
export function defaultClassificationFunction(config: PretrainedConfig): ClassificationFunction {
  if (config.problemType === 'multi_label_classification' || config.numLabels === 1) return 'sigmoid';
  if (config.problemType === 'single_label_classification' || config.numLabels > 1) return 'softmax';
  return 'none';
}

/**
 * Scores of one row of logits, then the topK labels by score (ties: lower class index first).
 * Logits that are not all finite are a ModelOutputError naming `image` (NaN has no rank).
 */
export function topKLabels(logits: Float32Array, config: PretrainedConfig, topK: number, fn: ClassificationFunction, image = 'image'): ClassificationResult[] {
  checkFinite(logits, 'logits', image);
  const scores = new Float32Array(logits.length);
  // On the CPU: the logits are the model's output, read back (the ops' references, float64).
  if (fn === 'softmax') runReference('softmax', { x: logits, out: scores, rows: 1, cols: logits.length });
  else if (fn === 'sigmoid') activationReference('sigmoid', logits, scores);
  else if (fn === 'none') scores.set(logits);
  else throw new RangeError(`functionToApply must be "softmax", "sigmoid" or "none", got ${JSON.stringify(fn)}`);
  const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, Math.min(topK, logits.length)).map((i) => ({ label: config.labelOf(i), score: scores[i] }));
}

function checkTopK(topK: number): number {
  if (!Number.isInteger(topK) || topK < 1) throw new RangeError(`topK must be a positive integer, got ${topK}`);
  return topK;
}

export function imageClassificationPipeline(
  model: ImageClassificationModel,
  processor: AnyImageProcessor,
  batchSize = DEFAULT_BATCH_SIZE,
): ImageClassificationPipeline {
  checkBatchSize(batchSize);
  checkProcessorFitsModel(processor, model.config, 'pipeline');
  async function classify(images: PipelineInput, options: ImageClassificationOptions = {}): Promise<ClassificationResult[] | ClassificationResult[][]> {
    const topK = checkTopK(options.topK ?? 5);
    const fn = options.functionToApply ?? defaultClassificationFunction(model.config);
    const list = inputList(images);
    const results = await inBatches(list, processor, batchSize, options, async ({ pixelValues, names }) => {
      const { logits } = await model.forward({ pixelValues }); // [batch, numLabels]
      return Array.from({ length: logits.shape[0] }, (_, n) => topKLabels(logits.select(n).data, model.config, topK, fn, names[n]));
    });
    return Array.isArray(images) ? results : results[0];
  }
  return Object.assign(classify as ImageClassificationPipeline, { task: 'image-classification' as const, model, processor });
}

export async function loadImageClassificationPipeline(model: string | URL | undefined, options: PipelineOptions = {}): Promise<ImageClassificationPipeline> {
  const { repo, processor, modelOptions } = await loadPipelineParts(model, options);
  return imageClassificationPipeline(await AutoModelForImageClassification.fromRepo(repo, modelOptions), processor, options.batchSize);
}
