/**
 * The image processor classes the registry names (transformers' IMAGE_PROCESSOR_MAPPING values): the ones
 * @purevit/image implements, and those a family maps to that do not exist yet — which AutoImageProcessor
 * refuses with a clear "not supported yet" rather than substituting another.
 */

import {
  BeitImageProcessor, BitImageProcessor, DeiTImageProcessor, TimmWrapperImageProcessor, ViTImageProcessor, type AnyImageProcessor,
} from '@purevit/image';
import type { JsonObject } from '../configs/pretrained-config.js';

export type { AnyImageProcessor } from '@purevit/image';

export interface ImageProcessorClass {
  /** transformers' class name (preprocessor_config.json's image_processor_type). */
  className: string;
  /** Other names for the same class (the fast variant, the legacy feature extractor). */
  aliases?: readonly string[];
  /** Builds the processor from preprocessor_config.json and the model's config.json; absent: not supported yet. */
  fromConfig?(preprocessorConfig: JsonObject | undefined, modelConfig: JsonObject | undefined): AnyImageProcessor;
}

export const VIT_IMAGE_PROCESSOR: ImageProcessorClass = {
  className: 'ViTImageProcessor',
  aliases: ['ViTImageProcessorFast', 'ViTFeatureExtractor'],
  fromConfig: (pre) => ViTImageProcessor.fromConfig(pre ?? {}),
};

export const TIMM_WRAPPER_IMAGE_PROCESSOR: ImageProcessorClass = {
  className: 'TimmWrapperImageProcessor',
  // timm's pretrained_cfg lives in config.json; a preprocessor_config.json may carry it too.
  fromConfig: (pre, model) => TimmWrapperImageProcessor.fromConfig(pre && pre.pretrained_cfg !== undefined ? pre : (model ?? {})),
};

/** BiT's (what DINOv2 checkpoints use): shortest-edge resize, centre crop. */
export const BIT_IMAGE_PROCESSOR: ImageProcessorClass = {
  className: 'BitImageProcessor',
  aliases: ['BitImageProcessorFast'],
  fromConfig: (pre) => BitImageProcessor.fromConfig(pre ?? {}),
};
export const DEIT_IMAGE_PROCESSOR: ImageProcessorClass = {
  className: 'DeiTImageProcessor',
  aliases: ['DeiTImageProcessorFast', 'DeiTFeatureExtractor'],
  fromConfig: (pre) => DeiTImageProcessor.fromConfig(pre ?? {}),
};
export const BEIT_IMAGE_PROCESSOR: ImageProcessorClass = {
  className: 'BeitImageProcessor',
  aliases: ['BeitImageProcessorFast', 'BeitFeatureExtractor'],
  fromConfig: (pre) => BeitImageProcessor.fromConfig(pre ?? {}),
};

/** Classes transformers maps families to that purevit does not implement yet. */
export const VIT_HYBRID_IMAGE_PROCESSOR: ImageProcessorClass = { className: 'ViTHybridImageProcessor' };
