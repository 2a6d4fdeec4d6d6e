import type { LoadOptions } from '../models/load-options.js';

/** Options of `pipeline()`: how to load the model (the `fromPretrained` options) and how to batch. */
export interface PipelineOptions extends LoadOptions {
  /** Images per forward pass (default 8); a call may override it. */
  batchSize?: number;
  /** Family-specific model options passed to the Auto class (e.g. ViT's `addPoolingLayer`). */
  modelOptions?: Readonly<Record<string, unknown>>;
}

/** Options every pipeline call takes. */
export interface PipelineCallOptions {
  /** Images per forward pass; default the pipeline's. */
  batchSize?: number;
  /** Called after each batch with the number of images done so far and the total. */
  onProgress?: (done: number, total: number) => void;
}

export const DEFAULT_BATCH_SIZE = 8;

export function checkBatchSize(batchSize: number): number {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  return batchSize;
}
