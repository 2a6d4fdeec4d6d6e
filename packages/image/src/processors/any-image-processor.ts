import type { TimmWrapperImageProcessor } from './timm-image-processor.js';
import type { ViTImageProcessor } from './vit-image-processor.js';

/** Any image processor this package implements (what @purevit/models' AutoImageProcessor returns). */
export type AnyImageProcessor = ViTImageProcessor | TimmWrapperImageProcessor;
