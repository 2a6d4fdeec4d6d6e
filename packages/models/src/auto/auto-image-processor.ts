/**
 * transformers' AutoImageProcessor: the processor a model folder or hub id needs, from the one registry
 * (registry.ts) — preprocessor_config.json's `image_processor_type` (or the legacy `feature_extractor_type`),
 * else config.json's `model_type` (transformers' IMAGE_PROCESSOR_MAPPING), else a timm config.json with a
 * `pretrained_cfg` (TimmWrapper). A class the registry names but purevit does not implement yet is an error
 * saying so, never a substitute.
 */

import { ImageError } from '@purevit/image';
import type { OpenRepoOptions } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { isJsonObject, type JsonObject } from '../configs/pretrained-config.js';
import { TIMM_WRAPPER_IMAGE_PROCESSOR, type AnyImageProcessor, type ImageProcessorClass } from './image-processors.js';
import { imageProcessorClasses, imageProcessorFor } from './registry.js';

function asObject(value: unknown, file: string): JsonObject {
  if (!isJsonObject(value)) throw new ImageError('invalid_input', `${file} is not a JSON object`);
  return value;
}

/** The class a processor name refers to (its transformers name or an alias). */
function byName(name: string): ImageProcessorClass | undefined {
  const legacy = name.replace(/FeatureExtractor$/, 'ImageProcessor');
  return imageProcessorClasses().find((c) => c.className === name || c.className === legacy || c.aliases?.includes(name));
}

function build(cls: ImageProcessorClass, pre: JsonObject | undefined, model: JsonObject | undefined, where: string): AnyImageProcessor {
  if (!cls.fromConfig) throw new ImageError('unsupported', `${where}: image processor ${cls.className} is not supported yet`);
  return cls.fromConfig(pre, model);
}

function supportedNames(): string {
  return imageProcessorClasses().filter((c) => c.fromConfig).flatMap((c) => [c.className, ...(c.aliases ?? [])]).join(', ');
}

export class AutoImageProcessor {
  private constructor() {}

  /**
   * From config objects: a preprocessor_config.json (and optionally the model's config.json for
   * `model_type`), or a timm config.json with `pretrained_cfg`.
   */
  static fromConfig(preprocessorConfig: unknown, modelConfig?: unknown, where = 'config'): AnyImageProcessor {
    const model = modelConfig === undefined ? undefined : asObject(modelConfig, 'config.json');
    if (preprocessorConfig === undefined) {
      if (model && model.pretrained_cfg !== undefined) return build(TIMM_WRAPPER_IMAGE_PROCESSOR, undefined, model, where);
      throw new ImageError('invalid_input', `${where}: no preprocessor_config.json, and config.json has no timm pretrained_cfg: cannot tell which image processor to use`);
    }
    const pre = asObject(preprocessorConfig, 'preprocessor_config.json');
    const type = pre.image_processor_type ?? pre.feature_extractor_type;
    if (typeof type === 'string') {
      const cls = byName(type);
      if (!cls) throw new ImageError('unsupported', `${where}: image processor ${type} is not supported (supported: ${supportedNames()})`);
      return build(cls, pre, model, where);
    }
    if (model && typeof model.model_type === 'string') {
      const cls = imageProcessorFor(model.model_type);
      if (!cls) throw new ImageError('unsupported', `${where}: no image processor known for model_type ${model.model_type}`);
      return build(cls, pre, model, where);
    }
    if (model && model.pretrained_cfg !== undefined) return build(TIMM_WRAPPER_IMAGE_PROCESSOR, pre, model, where);
    throw new ImageError('invalid_input', `${where}: preprocessor_config.json names no image_processor_type and config.json no model_type`);
  }

  /** Reads preprocessor_config.json and/or config.json from a model folder or hub id (`options` go to `openRepo`). */
  static async fromPretrained(idOrPath: string, options: OpenRepoOptions = {}): Promise<AnyImageProcessor> {
    const repo = await openRepo(idOrPath, options);
    const pre = (await repo.exists('preprocessor_config.json')) ? await repo.readJson('preprocessor_config.json') : undefined;
    const model = (await repo.exists('config.json')) ? await repo.readJson('config.json') : undefined;
    if (pre === undefined && model === undefined) {
      throw new ImageError('invalid_input', `${idOrPath} has neither preprocessor_config.json nor config.json`);
    }
    return AutoImageProcessor.fromConfig(pre, model, idOrPath);
  }
}
