export { type RgbImage, createRgbImage } from './rgb-image.js';
export { ImageError, type ImageErrorCode } from './errors.js';
export { decodeImage, readImageInfo, type ImageInfo } from './decode/decode-image.js';
export { DEFAULT_MAX_PIXELS, DEFAULT_MAX_SIDE, type DecodeOptions } from './decode/limits.js';
export type { ImageFormat } from './decode/sniff.js';
export { applyOrientation } from './decode/orientation.js';
export { encodePng } from './encode/png-encoder.js';
export { gunzip, DEFAULT_MAX_GUNZIP_BYTES } from './decode/gunzip.js';
export { loadImage, type ImageInput, type LoadImageOptions, type NdArrayLike, type PixelData } from './load-image.js';
export { crop, pad, type Rgb } from './crop.js';
export { resize, type ResizeOptions } from './resize/resize.js';
export { RESAMPLE_CODES, resampleName, type Resample, type ResampleName } from './resize/filters.js';
export {
  ViTImageProcessor,
  IMAGENET_STANDARD_MEAN,
  IMAGENET_STANDARD_STD,
  VIT_PROCESSOR_TYPES,
  type ImageSize,
  type ViTImageProcessorOptions,
} from './processors/vit-image-processor.js';
export { getSizeDict, requireHeightWidth, type HeightWidth, type SizeDict } from './processors/size-dict.js';
export { centerCrop, centerCropOrigin, type CropOrigin } from './processors/center-crop.js';
export {
  ResizeCropImageProcessor,
  type ResizeCropDefaults,
  type ResizeCropImageProcessorOptions,
  type SizeInput,
} from './processors/resize-crop-image-processor.js';
export { DeiTImageProcessor, DEIT_PROCESSOR_TYPES } from './processors/deit-image-processor.js';
export { BeitImageProcessor, BEIT_PROCESSOR_TYPES, type BeitImageProcessorOptions } from './processors/beit-image-processor.js';
export {
  BitImageProcessor,
  BIT_PROCESSOR_TYPES,
  OPENAI_CLIP_MEAN,
  OPENAI_CLIP_STD,
  shortestEdgeResize,
  type BitImageProcessorOptions,
} from './processors/bit-image-processor.js';
export { TimmWrapperImageProcessor, type TimmSizeDict, type TimmWrapperImageProcessorOptions } from './processors/timm-image-processor.js';
export {
  resolveDataConfig,
  IMAGENET_DEFAULT_MEAN,
  IMAGENET_DEFAULT_STD,
  DEFAULT_CROP_PCT,
  DEFAULT_CROP_MODE,
  type CropMode,
  type ResolveDataConfigOptions,
  type TimmDataArgs,
  type TimmDataConfig,
  type TimmPretrainedCfg,
} from './processors/timm-data-config.js';
export { TimmEvalTransform, timmPixelValues, type TimmGeometry, type TimmResizeStep } from './processors/timm-transforms.js';
export { loadAndPrepare, reclaimPause, type ImageBatchInput } from './processors/image-inputs.js';
export type { AnyImageProcessor } from './processors/any-image-processor.js';
