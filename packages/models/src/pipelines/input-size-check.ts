/**
 * A pipeline's processor must produce what its model takes. Checked when the pipeline is built, so a
 * preprocessor config that resizes every image to 8000×8000 for a 224-pixel model fails at once,
 * naming both sizes, instead of resizing each image to hundreds of MB before the model refuses it.
 */

import type { AnyImageProcessor } from '@purevit/image';
import { ConfigError } from '@purevit/weights';
import type { PretrainedConfig } from '../configs/pretrained-config.js';
import { resolveArchitecture } from '../models/timm/architectures.js';
import { parseTimmViTArgs } from '../models/timm/timm-vit-args.js';
import { TimmWrapperConfig } from '../models/timm/timm-wrapper-config.js';
import { ViTConfig } from '../models/vit/vit-config.js';

/** [height, width] every processed image has, or null when it follows the input (no resize). */
function processorOutput(processor: AnyImageProcessor): [number, number] | null {
  if ('cropSize' in processor) return [processor.cropSize.height, processor.cropSize.width];
  return processor.doResize ? [processor.size.height, processor.size.width] : null;
}

/** [height, width] the model requires, or null when it takes any size. */
function modelInput(config: PretrainedConfig): [number, number] | null {
  if (config instanceof ViTConfig) return config.imageSize2;
  if (config instanceof TimmWrapperConfig) {
    const arch = resolveArchitecture(config.architecture, config.modelArgs);
    if (arch.family !== 'vision_transformer') return null;
    const args = parseTimmViTArgs(arch.args, arch.name);
    return args.dynamicImgSize ? null : args.imgSize;
  }
  return null;
}

export function checkProcessorFitsModel(processor: AnyImageProcessor, config: PretrainedConfig, where: string): void {
  const out = processorOutput(processor);
  const want = modelInput(config);
  if (out === null || want === null || (out[0] === want[0] && out[1] === want[1])) return;
  throw new ConfigError(
    'inconsistent',
    `${where}: the image processor makes ${out[0]}x${out[1]} images but the model takes ${want[0]}x${want[1]} (preprocessor_config.json / pretrained_cfg vs config.json)`,
  );
}
