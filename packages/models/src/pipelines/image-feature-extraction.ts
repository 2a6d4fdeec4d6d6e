import type { Tensor } from '@purevit/core';
import type { AnyImageProcessor, ImageInput } from '@purevit/image';
import { AutoModel } from '../auto/auto-model.js';
import type { ImageFeatureModel } from '../models/model-interfaces.js';
import { inBatches, inputList, type PipelineInput } from './batching.js';
import { loadPipelineParts } from './load-parts.js';
import { checkProcessorFitsModel } from './input-size-check.js';
import { checkFinite } from './output-check.js';
import { DEFAULT_BATCH_SIZE, checkBatchSize, type PipelineCallOptions, type PipelineOptions } from './pipeline-options.js';

export interface ImageFeatureExtractionOptions extends PipelineCallOptions {
  /**
   * true (default): one pooled vector per image, [hidden]: the model's poolerOutput, or for a model
   * without a pooler what its head reads (timm's forward_head(preLogits): the final-normed [CLS]).
   * false: every token of lastHiddenState, [tokens, hidden].
   */
  pool?: boolean;
}

/** `pipeline('image-feature-extraction')`: call it with one image or a list. */
export interface ImageFeatureExtractionPipeline {
  (image: ImageInput, options?: ImageFeatureExtractionOptions): Promise<Tensor>;
  (images: readonly ImageInput[], options?: ImageFeatureExtractionOptions): Promise<Tensor[]>;
  readonly task: 'image-feature-extraction';
  readonly model: ImageFeatureModel;
  readonly processor: AnyImageProcessor;
}

export function imageFeatureExtractionPipeline(
  model: ImageFeatureModel,
  processor: AnyImageProcessor,
  batchSize = DEFAULT_BATCH_SIZE,
): ImageFeatureExtractionPipeline {
  checkBatchSize(batchSize);
  checkProcessorFitsModel(processor, model.config, 'pipeline');
  async function extract(images: PipelineInput, options: ImageFeatureExtractionOptions = {}): Promise<Tensor | Tensor[]> {
    const pool = options.pool ?? true;
    const results = await inBatches(inputList(images), processor, batchSize, options, async ({ pixelValues, names }) => {
      const { lastHiddenState, poolerOutput } = await model.forward({ pixelValues });
      const features = pool ? (poolerOutput ?? (await model.forwardHead(lastHiddenState, { preLogits: true }))) : lastHiddenState;
      return Array.from({ length: features.shape[0] }, (_, n) => {
        const row = features.select(n); // a view into the batch output
        checkFinite(row.data, 'features', names[n]);
        return row;
      });
    });
    return Array.isArray(images) ? results : results[0];
  }
  return Object.assign(extract as ImageFeatureExtractionPipeline, { task: 'image-feature-extraction' as const, model, processor });
}

export async function loadImageFeatureExtractionPipeline(model: string | URL | undefined, options: PipelineOptions = {}): Promise<ImageFeatureExtractionPipeline> {
  const { repo, processor, modelOptions } = await loadPipelineParts(model, options);
  return imageFeatureExtractionPipeline(await AutoModel.fromRepo(repo, modelOptions), processor, options.batchSize);
}
