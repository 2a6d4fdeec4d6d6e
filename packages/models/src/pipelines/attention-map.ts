import type { AnyImageProcessor, ImageInput, RgbImage } from '@purevit/image';
import { AutoModel } from '../auto/auto-model.js';
import type { PretrainedConfig } from '../configs/pretrained-config.js';
import type { ImageFeatureModel } from '../models/model-interfaces.js';
import { attentionRollout, clsAttention } from './attention-rollout.js';
import { inBatches, inputList, type PipelineInput } from './batching.js';
import { loadPipelineParts } from './load-parts.js';
import { checkProcessorFitsModel } from './input-size-check.js';
import { checkFinite } from './output-check.js';
import { DEFAULT_BATCH_SIZE, checkBatchSize, type PipelineCallOptions, type PipelineOptions } from './pipeline-options.js';

export type AttentionMethod = 'last-layer' | 'rollout';

export interface AttentionMapOptions extends PipelineCallOptions {
  /** 'last-layer' (default): the last layer's [CLS] attention, heads averaged; 'rollout': attention rollout through all layers. */
  method?: AttentionMethod;
}

/** Where the [CLS] token looks, over the patch grid of the processed image. */
export interface AttentionMap {
  method: AttentionMethod;
  /** [rows, columns] of patches. */
  grid: readonly [number, number];
  /** [rows · columns], row-major: the attention (or rollout weight) of [CLS] to each patch. */
  values: Float32Array;
  /** The decoded input image (what the map is drawn over, e.g. with heatMapOverlay). */
  image: RgbImage;
}

/** `pipeline('attention-map')`: call it with one image or a list. */
export interface AttentionMapPipeline {
  (image: ImageInput, options?: AttentionMapOptions): Promise<AttentionMap>;
  (images: readonly ImageInput[], options?: AttentionMapOptions): Promise<AttentionMap[]>;
  readonly task: 'attention-map';
  readonly model: ImageFeatureModel;
  readonly processor: AnyImageProcessor;
}

function patchSize(config: PretrainedConfig): [number, number] | null {
  const size = 'patchSize' in config ? config.patchSize : undefined;
  if (typeof size === 'number') return [size, size];
  if (Array.isArray(size) && size.length === 2 && size.every((s) => typeof s === 'number')) return [size[0], size[1]];
  return null;
}

/** The patch grid of an input of height × width and how many prefix ([CLS], register) tokens precede it. */
export function patchGrid(config: PretrainedConfig, height: number, width: number, tokens: number): { grid: [number, number]; prefix: number } {
  const patch = patchSize(config);
  const grid: [number, number] = patch ? [Math.floor(height / patch[0]), Math.floor(width / patch[1])] : [Math.round(Math.sqrt(tokens - 1)), Math.round(Math.sqrt(tokens - 1))];
  const prefix = tokens - grid[0] * grid[1];
  if (prefix < 1) throw new Error(`attention map: ${tokens} tokens do not hold a [CLS] token and a ${grid[0]}x${grid[1]} patch grid`);
  return { grid, prefix };
}

export function attentionMapPipeline(model: ImageFeatureModel, processor: AnyImageProcessor, batchSize = DEFAULT_BATCH_SIZE): AttentionMapPipeline {
  checkBatchSize(batchSize);
  checkProcessorFitsModel(processor, model.config, 'pipeline');
  async function attend(images: PipelineInput, options: AttentionMapOptions = {}): Promise<AttentionMap | AttentionMap[]> {
    const method = options.method ?? 'last-layer';
    if (method !== 'last-layer' && method !== 'rollout') throw new RangeError(`attention map: method must be "last-layer" or "rollout", got ${JSON.stringify(method)}`);
    const results = await inBatches(inputList(images), processor, batchSize, options, async ({ pixelValues, names, decoded }) => {
      const { attentions } = await model.forward({ pixelValues, outputAttentions: true });
      if (!attentions || attentions.length === 0) throw new Error(`attention map: ${model.config.modelType} models do not return attention probabilities`);
      const [batch, heads, tokens] = attentions[0].shape; // each [batch, heads, tokens, tokens]
      const { grid, prefix } = patchGrid(model.config, pixelValues.shape[2], pixelValues.shape[3], tokens);
      return Array.from({ length: batch }, (_, b) => {
        const layers = attentions.map((a) => a.select(b).data); // each [heads, tokens, tokens]
        const values = method === 'rollout' ? attentionRollout(layers, heads, tokens, prefix) : clsAttention(layers[layers.length - 1], heads, tokens, prefix);
        checkFinite(values, 'attention', names[b]);
        return { method, grid, values, image: decoded[b] };
      });
    }, true);
    return Array.isArray(images) ? results : results[0];
  }
  return Object.assign(attend as AttentionMapPipeline, { task: 'attention-map' as const, model, processor });
}

export async function loadAttentionMapPipeline(model: string | URL | undefined, options: PipelineOptions = {}): Promise<AttentionMapPipeline> {
  const { repo, processor, modelOptions } = await loadPipelineParts(model, options);
  return attentionMapPipeline(await AutoModel.fromRepo(repo, modelOptions), processor, options.batchSize);
}
