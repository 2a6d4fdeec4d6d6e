/**
 * AutoImageProcessor: picks the processor a model folder or hub id needs, as transformers does —
 * preprocessor_config.json's `image_processor_type` (or legacy `feature_extractor_type`, or the
 * config.json `model_type`), else a timm config.json with `pretrained_cfg` (TimmWrapper).
 */

import type { OpenRepoOptions } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { ImageError } from '../errors.js';
import type { BeitImageProcessor } from './beit-image-processor.js';
import type { BitImageProcessor } from './bit-image-processor.js';
import { asJsonObject } from './config-json.js';
import type { DeiTImageProcessor } from './deit-image-processor.js';
import { TimmWrapperImageProcessor } from './timm-image-processor.js';
import { VIT_PROCESSOR_TYPES, ViTImageProcessor } from './vit-image-processor.js';

/** Every image processor this package has (what pipelines accept). */
export type AnyImageProcessor = ViTImageProcessor | TimmWrapperImageProcessor | DeiTImageProcessor | BeitImageProcessor | BitImageProcessor;

const TIMM_TYPES = ['TimmWrapperImageProcessor'];
/** model_type values whose image processor is ViTImageProcessor. */
const VIT_MODEL_TYPES = ['vit', 'vit_mae', 'vit_msn', 'dinov2', 'vit_hybrid'];

function unsupported(type: string, where: string): ImageError {
  return new ImageError(
    'unsupported',
    `${where}: image processor ${type} is not supported (supported: ${[...VIT_PROCESSOR_TYPES, ...TIMM_TYPES].join(', ')})`,
  );
}

export class AutoImageProcessor {
  private constructor() {}

  /**
   * From config objects: a preprocessor_config.json (and optionally the model's config.json for
   * `model_type`), or a timm config.json with `pretrained_cfg`.
   */
  static fromConfig(preprocessorConfig: unknown, modelConfig?: unknown, where = 'config'): AnyImageProcessor {
    if (preprocessorConfig === undefined) {
      const model = modelConfig === undefined ? undefined : asJsonObject(modelConfig, 'config.json');
      if (model && model.pretrained_cfg !== undefined) return TimmWrapperImageProcessor.fromConfig(model);
      throw new ImageError('invalid_input', `${where}: no preprocessor_config.json, and config.json has no timm pretrained_cfg: cannot tell which image processor to use`);
    }
    const json = asJsonObject(preprocessorConfig, 'preprocessor_config.json');
    const type = json.image_processor_type ?? json.feature_extractor_type;
    if (typeof type === 'string') {
      if ((VIT_PROCESSOR_TYPES as readonly string[]).includes(type)) return ViTImageProcessor.fromConfig(json);
      if (TIMM_TYPES.includes(type)) {
        const source = json.pretrained_cfg !== undefined ? json : modelConfig;
        return TimmWrapperImageProcessor.fromConfig(source ?? {});
      }
      throw unsupported(type, where);
    }
    const model = modelConfig === undefined ? undefined : asJsonObject(modelConfig, 'config.json');
    if (model && typeof model.model_type === 'string') {
      if (VIT_MODEL_TYPES.includes(model.model_type)) return ViTImageProcessor.fromConfig(json);
      throw new ImageError('unsupported', `${where}: no image processor known for model_type ${model.model_type}`);
    }
    if (model && model.pretrained_cfg !== undefined) return TimmWrapperImageProcessor.fromConfig(model);
    throw new ImageError('invalid_input', `${where}: preprocessor_config.json names no image_processor_type and config.json no model_type`);
  }

  /** Reads preprocessor_config.json and/or config.json from a model folder or hub id (`options` go to `openRepo`). */
  static async fromPretrained(idOrPath: string, options: OpenRepoOptions = {}): Promise<AnyImageProcessor> {
    const repo = await openRepo(idOrPath, options);
    const pre = (await repo.exists('preprocessor_config.json')) ? await repo.readJson('preprocessor_config.json') : undefined;
    const needModel = pre === undefined || typeof asJsonObject(pre, 'preprocessor_config.json').image_processor_type !== 'string';
    const model = (needModel || isTimmType(pre)) && (await repo.exists('config.json')) ? await repo.readJson('config.json') : undefined;
    if (pre === undefined && model === undefined) {
      throw new ImageError('invalid_input', `${idOrPath} has neither preprocessor_config.json nor config.json`);
    }
    return AutoImageProcessor.fromConfig(pre, model, idOrPath);
  }
}

function isTimmType(pre: unknown): boolean {
  return pre !== undefined && TIMM_TYPES.includes(asJsonObject(pre, 'preprocessor_config.json').image_processor_type as string);
}
