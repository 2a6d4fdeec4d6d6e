import { ImageError } from '../../errors.js';

/** PNG colour types. */
export const enum ColorType {
  Gray = 0,
  Rgb = 2,
  Palette = 3,
  GrayAlpha = 4,
  Rgba = 6,
}

export interface PngHeader {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: ColorType;
  readonly interlaced: boolean;
  /** Samples per pixel (1 gray/palette, 2 gray+alpha, 3 RGB, 4 RGBA). */
  readonly channels: number;
  /** PIL's mode for this file (what `Image.open(...).mode` reports). */
  readonly pilMode: string;
}

/** Pillow 9.4's _MODES table: the (bit depth, colour type) pairs PNG allows, and PIL's mode for each. */
const MODES: Record<string, string> = {
  '1,0': '1',
  '2,0': 'L',
  '4,0': 'L',
  '8,0': 'L',
  '16,0': 'I',
  '8,2': 'RGB',
  '16,2': 'RGB',
  '1,3': 'P',
  '2,3': 'P',
  '4,3': 'P',
  '8,3': 'P',
  '8,4': 'LA',
  '16,4': 'RGBA',
  '8,6': 'RGBA',
  '16,6': 'RGBA',
};

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export function parseHeader(ihdr: Uint8Array): PngHeader {
  if (ihdr.length < 13) throw new ImageError('truncated', 'PNG: truncated IHDR chunk');
  const dv = new DataView(ihdr.buffer, ihdr.byteOffset, ihdr.byteLength);
  const width = dv.getUint32(0);
  const height = dv.getUint32(4);
  const bitDepth = ihdr[8];
  const colorType = ihdr[9] as ColorType;
  if (width === 0 || height === 0) throw new ImageError('zero_size', `PNG: image has zero size (${width}x${height})`);
  if (width > 0x7fffffff || height > 0x7fffffff) throw new ImageError('corrupt', `PNG: invalid size ${width}x${height}`);
  const pilMode = MODES[`${bitDepth},${colorType}`];
  if (pilMode === undefined) throw new ImageError('corrupt', `PNG: invalid bit depth ${bitDepth} for colour type ${colorType}`);
  if (ihdr[10] !== 0) throw new ImageError('unsupported', `PNG: unknown compression method ${ihdr[10]}`);
  if (ihdr[11] !== 0) throw new ImageError('unsupported', `PNG: unknown filter category ${ihdr[11]}`);
  if (ihdr[12] > 1) throw new ImageError('unsupported', `PNG: unknown interlace method ${ihdr[12]}`);
  return { width, height, bitDepth, colorType, interlaced: ihdr[12] === 1, channels: CHANNELS[colorType], pilMode };
}
