/**
 * The loop of a batch job: inputs in order, `batchSize` at a time; each image is read and decoded on
 * its own, so one missing or corrupt file becomes an error record instead of ending the job; the
 * next batch is read while the model runs the current one. `write` gets every batch's outcomes in
 * input order before the next batch starts, so the output always holds a prefix of the work.
 */

import { loadImage, type RgbImage } from '@purevit/image';
import { oneLine } from '../errors.js';

export type Outcome<R> = { image: string; result: R } | { image: string; error: string };

export interface BatchJob<R> {
  inputs: readonly string[];
  batchSize: number;
  /** Model results of decoded images, in order. */
  compute(images: readonly RgbImage[]): Promise<R[]>;
  write(outcomes: readonly Outcome<R>[]): Promise<void>;
  onProgress?(done: number, total: number): void;
}

type Loaded = { image: string; rgb: RgbImage } | { image: string; error: string };

function load(inputs: readonly string[]): Promise<Loaded[]> {
  return Promise.all(
    inputs.map(async (image): Promise<Loaded> => {
      try {
        return { image, rgb: await loadImage(image) };
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        return { image, error: code === 'ENOENT' ? 'no such file' : oneLine(e) };
      }
    }),
  );
}

/** Runs the job; returns how many inputs failed. */
export async function runBatches<R>(job: BatchJob<R>): Promise<number> {
  const { inputs, batchSize } = job;
  let failed = 0;
  let next = inputs.length > 0 ? load(inputs.slice(0, batchSize)) : null;
  for (let start = 0; start < inputs.length; start += batchSize) {
    const loaded = await next!;
    next = start + batchSize < inputs.length ? load(inputs.slice(start + batchSize, start + 2 * batchSize)) : null;
    const decoded = loaded.filter((l): l is { image: string; rgb: RgbImage } => 'rgb' in l);
    const results = decoded.length > 0 ? await job.compute(decoded.map((l) => l.rgb)) : [];
    let r = 0;
    const outcomes = loaded.map((l): Outcome<R> => ('rgb' in l ? { image: l.image, result: results[r++] } : l));
    failed += loaded.length - decoded.length;
    await job.write(outcomes);
    job.onProgress?.(Math.min(start + batchSize, inputs.length), inputs.length);
  }
  return failed;
}
