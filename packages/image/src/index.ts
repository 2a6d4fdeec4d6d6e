export { type RgbImage, createRgbImage } from './rgb-image.js';
export { ImageError, type ImageErrorCode } from './errors.js';
export { crop, pad, type Rgb } from './crop.js';
export { resize, type ResizeOptions } from './resize/resize.js';
export { RESAMPLE_CODES, resampleName, type Resample, type ResampleName } from './resize/filters.js';
