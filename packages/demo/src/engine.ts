/**
 * What the page does with an image, built only from the public API that Node uses: `pipeline()` loads
 * the model and its processor, `loadImage` decodes, the processor preprocesses, and one forward pass
 * gives both the logits (scored with `topKLabels`, as the classification pipeline does) and the
 * attention probabilities (reduced with `clsAttention` / `attentionRollout`, as the attention-map
 * pipeline does). Nothing here is browser-specific.
 */

import type { Engine, Tensor } from '@purevit/core';
import { loadImage, type AnyImageProcessor, type RgbImage } from '@purevit/image';
import {
  attentionRollout, clsAttention, defaultClassificationFunction, patchGrid, pipeline, topKLabels,
  type AttentionMethod, type ClassificationResult, type ImageClassificationModel,
} from '@purevit/models';

export const TOP_K = 5;

export interface Analysis {
  /** The decoded image (PIL's `open → exif_transpose → convert('RGB')`). */
  image: RgbImage;
  /** What the model saw: [1, 3, H, W]. */
  pixelValues: Tensor;
  /** [numLabels]. */
  logits: Float32Array;
  /** The best TOP_K labels, best first, scored as the image-classification pipeline scores them. */
  top: ClassificationResult[];
  /** Attention probabilities of every layer for this image, each [heads, tokens, tokens]; null for models without them (timm). */
  attentions: Float32Array[] | null;
  heads: number;
  tokens: number;
  /** Milliseconds: decoding, preprocessing, the forward pass. */
  timings: { decode: number; preprocess: number; forward: number };
}

export interface AttentionGrid {
  method: AttentionMethod;
  grid: readonly [number, number];
  /** [grid[0] · grid[1]]: where [CLS] looks. */
  values: Float32Array;
}

/** timm models refuse `outputAttentions` (transformers' TimmWrapper does too). */
function hasAttentions(model: ImageClassificationModel): boolean {
  return model.config.modelType !== 'timm_wrapper';
}

export class DemoEngine {
  readonly model: ImageClassificationModel;
  readonly processor: AnyImageProcessor;
  /** The model folder URL or hub id it was loaded from. */
  readonly source: string;

  private constructor(source: string, model: ImageClassificationModel, processor: AnyImageProcessor) {
    this.source = source;
    this.model = model;
    this.processor = processor;
  }

  /** Loads a model folder (an http(s) URL, or a local folder in Node) or a hub id, onto `engine` (default: the default engine). */
  static async load(source: string, engine?: Engine): Promise<DemoEngine> {
    const classify = await pipeline('image-classification', source, { engine });
    return new DemoEngine(source, classify.model, classify.processor);
  }

  /** Frees the model's weights and run state. */
  dispose(): Promise<void> {
    return this.model.dispose();
  }

  get supportsAttention(): boolean {
    return hasAttentions(this.model);
  }

  async analyze(input: Uint8Array | Blob): Promise<Analysis> {
    const t0 = performance.now();
    const image = await loadImage(input);
    const t1 = performance.now();
    const pixelValues = this.processor.preprocessRgb([image]);
    const t2 = performance.now();
    const output = await this.model.forward({ pixelValues, outputAttentions: this.supportsAttention });
    const t3 = performance.now();
    const logits = output.logits.select(0).data; // [numLabels]
    const config = this.model.config;
    const top = topKLabels(logits, config, TOP_K, defaultClassificationFunction(config));
    const attentions = output.attentions?.map((a) => a.select(0).data) ?? null; // each [heads, tokens, tokens]
    const [, heads = 0, tokens = 0] = output.attentions?.[0]?.shape ?? [];
    return { image, pixelValues, logits, top, attentions, heads, tokens, timings: { decode: t1 - t0, preprocess: t2 - t1, forward: t3 - t2 } };
  }

  /** Where [CLS] looks over the patch grid: the last layer's attention or the rollout through all layers. */
  attentionMap(analysis: Analysis, method: AttentionMethod): AttentionGrid | null {
    const { attentions, heads, tokens, pixelValues } = analysis;
    if (!attentions || attentions.length === 0) return null;
    const { grid, prefix } = patchGrid(this.model.config, pixelValues.shape[2], pixelValues.shape[3], tokens);
    const values = method === 'rollout' ? attentionRollout(attentions, heads, tokens, prefix) : clsAttention(attentions[attentions.length - 1], heads, tokens, prefix);
    return { method, grid, values };
  }
}
