/**
 * Kind "image": `images.json` (transformers' load_image = PIL open → exif_transpose → convert('RGB'))
 * and PIL `Image.resize` cases. PNG decodes and PIL resizes must match exactly; JPEG decodes within the
 * README's decoder tolerance (mean |diff| ≤ 1.5 and max ≤ 16 for 4:2:0, max ≤ 4 otherwise) — the
 * worst ratio reported for a JPEG is its max |diff| over that bound, so 0 means bit-exact.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { decodeImage, resize, type Resample, type RgbImage } from '@purevit/image';
import type { GoldenCase } from '../case.js';
import { IoFile } from '../io.js';
import { judge, type CaseOutcome } from '../outcome.js';
import type { Comparison } from '../tolerance.js';

interface ImageEntry {
  name: string;
  file: string;
  format: string;
  decoded: string;
  jpeg_chroma_subsampling?: string;
}

interface ResizeOp {
  input: string;
  size_wh: [number, number];
  resample: string;
  resample_id: number;
  output: string;
}

export async function runImageCase(goldenCase: GoldenCase): Promise<CaseOutcome> {
  const json = goldenCase.json;
  if (Array.isArray(json.images)) return runDecodeCase(goldenCase, json.images as ImageEntry[]);
  if (Array.isArray(json.ops)) return runResizeCase(goldenCase, json.ops as ResizeOp[]);
  throw new Error(`${goldenCase.file}: an image case needs "images" (decodes) or "ops" (resizes)`);
}

async function runDecodeCase(goldenCase: GoldenCase, images: ImageEntry[]): Promise<CaseOutcome> {
  const io = await IoFile.open(path.join(goldenCase.dir, 'decoded.safetensors'));
  const comparisons: Comparison[] = [];
  for (const entry of images) {
    const expected = await readRgb(io, entry.decoded);
    const actual = decodeImage(new Uint8Array(await readFile(path.join(goldenCase.dir, entry.file))));
    const lossy = entry.format === 'JPEG';
    const bounds = !lossy ? { mean: 0, max: 0 } : entry.jpeg_chroma_subsampling === '4:2:0' ? { mean: 1.5, max: 16 } : { mean: 1.5, max: 4 };
    comparisons.push(compareImages(entry.name, actual, expected, bounds));
  }
  return judge([{ label: 'decode', comparisons, worstRatio: Math.max(0, ...comparisons.map((c) => c.ratio)) }]);
}

async function runResizeCase(goldenCase: GoldenCase, ops: ResizeOp[]): Promise<CaseOutcome> {
  const io = await IoFile.open(path.join(goldenCase.dir, 'io.safetensors'));
  const comparisons: Comparison[] = [];
  for (const op of ops) {
    const [width, height] = op.size_wh;
    const input = await readRgb(io, op.input);
    const actual = resize(input, width, height, op.resample.toLowerCase() as Resample);
    comparisons.push(compareImages(op.output, actual, await readRgb(io, op.output), { mean: 0, max: 0 }));
  }
  return judge([{ label: 'resize', comparisons, worstRatio: Math.max(0, ...comparisons.map((c) => c.ratio)) }]);
}

/** uint8 HWC comparison; ratio = max |diff| / allowed max (or 0 / ∞ for exact comparisons). */
function compareImages(name: string, actual: RgbImage, expected: RgbImage, bounds: { mean: number; max: number }): Comparison {
  if (actual.width !== expected.width || actual.height !== expected.height) {
    const problem = `size ${actual.width}x${actual.height} != expected ${expected.width}x${expected.height}`;
    return { name, maxError: Infinity, bound: bounds.max, ratio: Infinity, problem };
  }
  let max = 0;
  let sum = 0;
  for (let i = 0; i < expected.data.length; i++) {
    const d = Math.abs(actual.data[i] - expected.data[i]);
    sum += d;
    if (d > max) max = d;
  }
  const mean = sum / expected.data.length;
  const ratio = bounds.max === 0 ? (max === 0 ? 0 : Infinity) : max / bounds.max;
  const problem = mean > bounds.mean ? `mean |diff| ${mean.toFixed(3)} > ${bounds.mean}` : undefined;
  return { name, maxError: max, bound: bounds.max, ratio, ...(problem ? { problem } : {}) };
}

/** A U8 HWC tensor as an RGB image. */
export async function readRgb(io: IoFile, name: string): Promise<RgbImage> {
  const [height, width, channels] = io.shape(name);
  if (io.dtype(name) !== 'U8' || channels !== 3) throw new Error(`${name} is not a uint8 HWC RGB image`);
  return { data: (await io.typed(name)) as Uint8Array, width, height };
}
