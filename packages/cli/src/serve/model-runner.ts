/**
 * The one model a server holds, loaded once through `pipeline()` and called with whole batches of
 * preprocessed pixels. Classification and feature extraction share one forward pass: the final-normed
 * features (timm's forward_features), then the head (forward_head) for logits and/or its pre-logits
 * for pooled features, which is exactly what the library's pipelines compute for the same images.
 */

import { Tensor } from '@purevit/core';
import type { AnyImageProcessor, RgbImage } from '@purevit/image';
import {
  defaultClassificationFunction, pipeline, topKLabels,
  type ClassificationFunction, type ClassificationResult, type ImageClassificationModel, type ImageFeatureModel, type PretrainedConfig,
} from '@purevit/models';

export type ServeTask = 'image-classification' | 'image-feature-extraction';
export const SERVE_TASKS: readonly ServeTask[] = ['image-classification', 'image-feature-extraction'];

/** Which outputs a batch needs (the union of what its requests asked for). */
export interface OutputsWanted {
  logits?: boolean;
  pooled?: boolean;
  tokens?: boolean;
}

/** Batch tensors, one row per image. */
export interface BatchOutputs {
  logits?: Tensor; // [batch, numLabels]
  pooled?: Tensor; // [batch, hidden]
  tokens?: Tensor; // [batch, tokens, hidden]
}

export interface ModelShapes {
  /** One image's pixel values: [3, height, width]. */
  pixels: readonly number[];
  /** [numLabels] (classification models). */
  logits: readonly number[] | null;
  /** [hidden] */
  pooled: readonly number[];
  /** [tokens, hidden] */
  tokens: readonly number[];
}

type LoadedModel = { kind: 'classifier'; model: ImageClassificationModel } | { kind: 'backbone'; model: ImageFeatureModel };

export class ModelRunner {
  private constructor(
    readonly task: ServeTask,
    private readonly loaded: LoadedModel,
    readonly processor: AnyImageProcessor,
    readonly shapes: ModelShapes,
  ) {}

  /** Loads `model` (folder or hub id; undefined: the library's default model) for `task`, then runs one warm-up image. */
  static async load(task: ServeTask, model: string | undefined, options: Parameters<typeof pipeline>[2] = {}): Promise<ModelRunner> {
    let loaded: LoadedModel;
    let processor: AnyImageProcessor;
    if (task === 'image-classification') {
      const p = await pipeline('image-classification', model, options);
      loaded = { kind: 'classifier', model: p.model };
      processor = p.processor;
    } else {
      const p = await pipeline('image-feature-extraction', model, options);
      loaded = { kind: 'backbone', model: p.model };
      processor = p.processor;
    }
    const probe = processor.preprocessRgb([{ data: new Uint8Array(64 * 64 * 3), width: 64, height: 64 }]); // [1, 3, H, W]
    const runner = new ModelRunner(task, loaded, processor, { pixels: probe.shape.slice(1), logits: null, pooled: [], tokens: [] });
    const out = await runner.forward(probe, { logits: loaded.kind === 'classifier', pooled: true, tokens: true });
    const shapes: ModelShapes = {
      pixels: probe.shape.slice(1),
      logits: out.logits ? out.logits.shape.slice(1) : null,
      pooled: out.pooled!.shape.slice(1),
      tokens: out.tokens!.shape.slice(1),
    };
    return new ModelRunner(task, loaded, processor, shapes);
  }

  get config(): PretrainedConfig {
    return this.loaded.model.config;
  }

  get canClassify(): boolean {
    return this.loaded.kind === 'classifier';
  }

  /** Pixel values [n, 3, H, W] of decoded images, as the pipelines preprocess them. */
  preprocess(images: readonly RgbImage[]): Tensor {
    return this.processor.preprocessRgb(images);
  }

  /** One forward pass over `pixels` [batch, 3, H, W] computing what `wanted` asks for. */
  async forward(pixels: Tensor, wanted: OutputsWanted): Promise<BatchOutputs> {
    if (this.loaded.kind === 'classifier') {
      const { model } = this.loaded;
      const features = await model.forwardFeatures(pixels); // [batch, tokens, hidden]
      return {
        logits: wanted.logits ? await model.forwardHead(features) : undefined,
        pooled: wanted.pooled ? await model.forwardHead(features, { preLogits: true }) : undefined,
        tokens: wanted.tokens ? features : undefined,
      };
    }
    if (wanted.logits) throw new Error('this model has no classification head');
    const { model } = this.loaded;
    const out = await model.forward({ pixelValues: pixels });
    return {
      pooled: wanted.pooled ? (out.poolerOutput ?? (await model.forwardHead(out.lastHiddenState, { preLogits: true }))) : undefined,
      tokens: wanted.tokens ? out.lastHiddenState : undefined,
    };
  }

  /** The library's top-k labels of one row of logits (`functionToApply` default: the config's, as transformers). */
  topK(logits: Float32Array, k: number, fn?: ClassificationFunction): ClassificationResult[] {
    return topKLabels(logits, this.config, k, fn ?? defaultClassificationFunction(this.config));
  }

  async dispose(): Promise<void> {
    await this.loaded.model.dispose();
  }
}
