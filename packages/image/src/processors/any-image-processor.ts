import type { BeitImageProcessor } from './beit-image-processor.js';
import type { BitImageProcessor } from './bit-image-processor.js';
import type { DeiTImageProcessor } from './deit-image-processor.js';
import type { TimmWrapperImageProcessor } from './timm-image-processor.js';
import type { ViTImageProcessor } from './vit-image-processor.js';

/** Any image processor this package implements (what @purevit/models' AutoImageProcessor returns). */
export type AnyImageProcessor = ViTImageProcessor | TimmWrapperImageProcessor | DeiTImageProcessor | BeitImageProcessor | BitImageProcessor;
