/**
 * Baseline, extended and progressive Huffman JPEG → RGB, bit-exact with what Pillow 9.4 gets from
 * libjpeg-turbo 2.1 (`Image.open` → `exif_transpose` → `convert('RGB')`): ISLOW IDCT, fancy
 * upsampling, libjpeg's colour-space guess (JFIF / Adobe / component ids) and table-based YCbCr
 * conversion, EXIF orientation from the first APP1 "Exif" segment.
 */

import { ImageError } from '../../errors.js';
import type { RgbImage } from '../../rgb-image.js';
import { exifOrientation } from '../exif.js';
import type { DecodeOptions } from '../limits.js';
import { orientedLayout } from '../orientation.js';
import { cmykRowToRgb, grayRowToRgb, rgbRowToRgb, yccRowToRgb, type RowConverter } from './color.js';
import { componentRows } from './component-rows.js';
import type { Frame } from './frame.js';
import { decodeScan, findMarker } from './scan.js';
import { corrupt, parseDht, parseDqt, parseSof, parseSos, readAppMarker, truncated, type DecodeState, type Markers } from './segments.js';
import { upsampler } from './upsample.js';

export type JpegColorSpace = 'grayscale' | 'ycbcr' | 'rgb' | 'cmyk' | 'ycck';

export interface JpegHeader {
  readonly width: number;
  readonly height: number;
  readonly components: number;
  readonly progressive: boolean;
  /** libjpeg's jpeg_color_space guess. */
  readonly colorSpace: JpegColorSpace;
  /** EXIF orientation from the first APP1 Exif segment, if any. */
  readonly orientation: number | undefined;
}

function colorSpace(frame: { components: readonly { id: number }[] }, m: Markers): JpegColorSpace {
  const n = frame.components.length;
  if (n === 1) return 'grayscale';
  if (n === 3) {
    if (m.jfif) return 'ycbcr';
    if (m.adobeTransform !== undefined) return m.adobeTransform === 0 ? 'rgb' : 'ycbcr';
    const [a, b, c] = frame.components.map((x) => x.id);
    return a === 82 && b === 71 && c === 66 ? 'rgb' : 'ycbcr';
  }
  if (m.adobeTransform !== undefined) return m.adobeTransform === 0 ? 'cmyk' : 'ycck';
  return 'cmyk';
}

function walk(bytes: Uint8Array, options: DecodeOptions, headerOnly: boolean): { st: DecodeState; complete: boolean } {
  if (bytes.length < 3 || bytes[0] !== 0xff || bytes[1] !== 0xd8 || bytes[2] !== 0xff) throw new ImageError('unknown_format', 'not a JPEG file');
  const st: DecodeState = { frame: undefined, quant: [], dc: [], ac: [], restartInterval: 0, scans: 0, markers: { jfif: false, adobeTransform: undefined, exif: undefined } };
  let p = 2;
  for (;;) {
    const m = findMarker(bytes, p);
    if (m < 0) {
      if (!st.frame) throw truncated('no frame header');
      if (st.scans === 0) throw truncated('no scan data');
      // Scans that end early have thrown already. Without EOI libjpeg cannot know a multi-scan
      // image is finished (PIL reports truncation); one sequential scan of every component is all
      // of the image (components get their quantisation table latched when first scanned).
      const oneScan = !st.frame.progressive && st.scans === 1 && st.frame.components.every((c) => c.quant !== undefined);
      return { st, complete: oneScan };
    }
    const marker = bytes[m];
    p = m + 1;
    if (marker === 0xd9) {
      // EOI: an image needs a frame and at least one scan before it (libjpeg: JERR_NO_IMAGE).
      if (!st.frame) throw truncated('no frame header before the end-of-image marker');
      if (st.scans === 0 && !headerOnly) throw truncated('no scan data before the end-of-image marker');
      return { st, complete: true };
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // SOI / RSTn / TEM: no payload
    if (marker < 0xc0 || marker === 0xc8 || (marker >= 0xf0 && marker <= 0xfd)) {
      // libjpeg's read_markers knows no other markers (JERR_UNKNOWN_MARKER); PIL: "no marker found".
      throw corrupt(`unknown marker 0xFF${marker.toString(16).toUpperCase().padStart(2, '0')} at byte ${m - 1}`);
    }
    if (p + 2 > bytes.length) throw truncated('marker segment');
    const length = (bytes[p] << 8) | bytes[p + 1];
    if (length < 2) throw corrupt(`bad segment length at byte ${p}`);
    if (p + length > bytes.length) throw truncated(`segment 0xFF${marker.toString(16).toUpperCase()} at byte ${m - 1}`);
    const seg = bytes.subarray(p + 2, p + length);
    p += length;

    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (st.frame) throw corrupt('more than one frame header');
      st.frame = parseSof(seg, marker, options);
    } else if (marker === 0xc3 || (marker >= 0xc5 && marker <= 0xcf && marker !== 0xcc)) {
      const kind = marker >= 0xc9 ? 'arithmetic-coded' : marker === 0xc3 ? 'lossless' : 'hierarchical';
      throw new ImageError('unsupported', `JPEG: ${kind} JPEG (SOF 0xFF${marker.toString(16).toUpperCase()}) is not supported`);
    } else if (marker === 0xc4) {
      parseDht(seg, st);
    } else if (marker === 0xdb) {
      parseDqt(seg, st);
    } else if (marker === 0xdd) {
      if (seg.length < 2) throw corrupt('short DRI segment');
      st.restartInterval = (seg[0] << 8) | seg[1];
    } else if (marker === 0xda) {
      // jpeg_read_header reads every marker up to the first scan.
      if (headerOnly) return { st, complete: false };
      const scan = parseSos(seg, st);
      st.scans++;
      p = decodeScan(bytes, p, st.frame!, scan);
    } else if (st.scans === 0) {
      readAppMarker(marker, seg, st.markers);
    }
  }
}

/** Size, components and colour space from the headers, allocating no pixel memory. */
export function readJpegHeader(bytes: Uint8Array): JpegHeader {
  const { st } = walk(bytes, { maxPixels: Infinity }, true);
  if (!st.frame) throw truncated('no frame header');
  return header(st);
}

function header(st: DecodeState): JpegHeader {
  const f = st.frame!;
  return {
    width: f.width,
    height: f.height,
    components: f.components.length,
    progressive: f.progressive,
    colorSpace: colorSpace(f, st.markers),
    orientation: st.markers.exif ? exifOrientation(st.markers.exif) : undefined,
  };
}

/**
 * Parses and entropy-decodes the whole file: the frame with every component's quantised DCT
 * coefficients and latched quantisation table (before IDCT), and the header.
 */
export function decodeJpegCoefficients(bytes: Uint8Array, options: DecodeOptions = {}): { frame: Frame; header: JpegHeader } {
  const { st, complete } = walk(bytes, options, false);
  if (!complete) throw truncated('no end-of-image marker after the scans');
  return { frame: st.frame!, header: header(st) };
}

/**
 * Decodes to RGB row by row after entropy decoding: each output row is upsampled from at most two
 * rows of each component (IDCT'd one block row at a time) and colour-converted straight into its
 * place in the EXIF-oriented output. Peak memory is the coefficients (which a progressive JPEG needs
 * whole, as libjpeg's coefficient buffer) and the output image, with no full-size sample planes.
 */
export function decodeJpeg(bytes: Uint8Array, options: DecodeOptions = {}): RgbImage & { header: JpegHeader } {
  const { frame, header: info } = decodeJpegCoefficients(bytes, options);
  const { width, height, maxH, maxV } = frame;
  const upsamplers = frame.components.map((c) => upsampler(componentRows(c), c.downsampledWidth, c.h, c.v, maxH, maxV, width));
  const lines = frame.components.map(() => new Uint8Array(width)); // each [width]
  const convert = CONVERTERS[info.colorSpace];
  const layout = orientedLayout(width, height, info.orientation);
  const out = new Uint8Array(width * height * 3); // [layout.height, layout.width, 3]
  for (let y = 0; y < height; y++) {
    for (let c = 0; c < upsamplers.length; c++) upsamplers[c](y, lines[c]);
    convert(lines, width, out, layout.rowStart(y), layout.step);
  }
  return { data: out, width: layout.width, height: layout.height, header: info };
}

const CONVERTERS: Record<JpegColorSpace, RowConverter> = {
  grayscale: grayRowToRgb,
  ycbcr: yccRowToRgb,
  rgb: rgbRowToRgb,
  cmyk: cmykRowToRgb(false),
  ycck: cmykRowToRgb(true),
};
