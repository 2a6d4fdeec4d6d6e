import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const MODEL = `${ROOT}models/fashion-vit-tiny`;
export const EVAL = `${ROOT}models/fashion-eval/`;
export const GOLDEN = `${ROOT}golden/`;

export interface Sample {
  file: string;
  label: number;
  label_name: string;
  test_index: number;
  predicted: number;
}

export async function samples(): Promise<Sample[]> {
  return JSON.parse(await readFile(`${EVAL}samples.json`, 'utf8')) as Sample[];
}

export function samplePath(s: Sample): string {
  return `${EVAL}samples/${s.file}`;
}

/** PyTorch's float32 logits [10] of each sample (models/fashion-eval/predictions.safetensors). */
export async function torchLogits(list: readonly Sample[]): Promise<Float32Array[]> {
  const file = await SafetensorsFile.open(await fileSource(`${EVAL}predictions.safetensors`));
  const logits = await file.readFloat32('logits'); // [10000, 10]
  return list.map((s) => logits.slice(s.test_index * 10, s.test_index * 10 + 10));
}

/** float64 softmax / sigmoid of a logit row: the expected scores, computed independently of core's kernels. */
export function softmax64(logits: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(logits));
  const e = Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export function sigmoid64(logits: ArrayLike<number>): number[] {
  return Array.from(logits, (v) => 1 / (1 + Math.exp(-v)));
}
