/**
 * transformers' `pipeline(task, model)`: model + image processor from one folder or hub id (the
 * bundled fashion-vit-tiny when none is given), called on images in any form `loadImage` accepts,
 * batched internally.
 */

import { loadAttentionMapPipeline, type AttentionMapPipeline } from './attention-map.js';
import { loadImageClassificationPipeline, type ImageClassificationPipeline } from './image-classification.js';
import { loadImageFeatureExtractionPipeline, type ImageFeatureExtractionPipeline } from './image-feature-extraction.js';
import type { PipelineOptions } from './pipeline-options.js';

export interface Pipelines {
  'image-classification': ImageClassificationPipeline;
  'image-feature-extraction': ImageFeatureExtractionPipeline;
  'attention-map': AttentionMapPipeline;
}

export type PipelineTask = keyof Pipelines;

const LOADERS: { readonly [T in PipelineTask]: (model: string | URL | undefined, options: PipelineOptions) => Promise<Pipelines[T]> } = {
  'image-classification': loadImageClassificationPipeline,
  'image-feature-extraction': loadImageFeatureExtractionPipeline,
  'attention-map': loadAttentionMapPipeline,
};

export const PIPELINE_TASKS = Object.keys(LOADERS) as PipelineTask[];

/** A pipeline for `task` over `model` (a local folder, file: URL or hub id; default the bundled demo model). */
export async function pipeline<T extends PipelineTask>(task: T, model?: string | URL, options: PipelineOptions = {}): Promise<Pipelines[T]> {
  if (!Object.prototype.hasOwnProperty.call(LOADERS, task)) {
    throw new Error(`unknown pipeline task ${JSON.stringify(task)}; available: ${PIPELINE_TASKS.join(', ')}`);
  }
  return LOADERS[task](model, options);
}
