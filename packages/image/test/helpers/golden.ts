import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SafetensorsFile, bytesSource } from '@purevit/weights';
import type { RgbImage } from '@purevit/image';

/** The repository's golden/ folder (the project's own copy). */
export const GOLDEN = fileURLToPath(new URL('../../../../golden/', import.meta.url));
/** The repository's models/ folder. */
export const MODELS = fileURLToPath(new URL('../../../../models/', import.meta.url));

export function goldenBytes(relPath: string): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(GOLDEN + relPath));
}

export function goldenJson<T>(relPath: string): T {
  return JSON.parse(readFileSync(GOLDEN + relPath, 'utf8')) as T;
}

export async function openGolden(relPath: string): Promise<SafetensorsFile> {
  return SafetensorsFile.open(bytesSource(goldenBytes(relPath)));
}

/** A U8 HWC tensor as an RgbImage. */
export async function readRgb(file: SafetensorsFile, name: string): Promise<RgbImage> {
  const info = file.info(name);
  if (info.dtype !== 'U8' || info.shape.length !== 3 || info.shape[2] !== 3) {
    throw new Error(`${name}: expected U8 [H,W,3], got ${info.dtype} [${info.shape.join(',')}]`);
  }
  return { data: new Uint8Array(await file.readBytes(name)), height: info.shape[0], width: info.shape[1] };
}

/** Number of differing bytes, mean and max absolute difference. */
export function compareBytes(actual: Uint8Array, expected: Uint8Array): { differing: number; mean: number; max: number } {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let differing = 0;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (d !== 0) differing++;
    sum += d;
    if (d > max) max = d;
  }
  return { differing, mean: sum / actual.length, max };
}

export function maxAbsDiff(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} != ${expected.length}`);
  let max = 0;
  for (let i = 0; i < actual.length; i++) max = Math.max(max, Math.abs(actual[i] - expected[i]));
  return max;
}

/** Byte equality without vitest's (slow, for large arrays) deep diff. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b).differing === 0;
}
