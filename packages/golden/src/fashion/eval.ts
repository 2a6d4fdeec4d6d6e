/**
 * Fashion-MNIST evaluation of the default model against PyTorch's own predictions
 * (models/fashion-eval/predictions.safetensors): accuracy, agreement, logit error, and the rule that a
 * disagreement is acceptable only where PyTorch's top-2 logit margin is below our measured logit error.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Engine, EngineDescription } from '@purevit/core';
import { ViTImageProcessor, type RgbImage } from '@purevit/image';
import { ViTForImageClassification } from '@purevit/models';
import { IoFile } from '../io.js';
import { readIdx } from './idx.js';

/** Where the repository keeps the Fashion-MNIST test set (gzipped IDX files), relative to its root. */
export const FASHION_MNIST_DIR = 'models/fashion-eval/fashion-mnist';

export interface FashionEvalOptions {
  /** Folder with t10k-images-idx3-ubyte(.gz) and t10k-labels-idx1-ubyte(.gz) (default: the repository's FASHION_MNIST_DIR). */
  dataDir?: string;
  /** The repository root (models/fashion-vit-tiny, models/fashion-eval). */
  repoRoot: string;
  /** Evaluate test images 0, stride, 2·stride, … (1 = all 10,000). */
  stride?: number;
  batchSize?: number;
  /** Engine to run the model on (default: the default engine). */
  engine?: Engine;
}

export interface Disagreement {
  index: number;
  ours: number;
  pytorch: number;
  /** PyTorch's fp32 top-2 logit margin on this image. */
  margin: number;
  /** margin < measured logit error. */
  explained: boolean;
}

export interface FashionEvalReport {
  images: number;
  correct: number;
  accuracy: number;
  agree: number;
  /** max |our logit − PyTorch float64 logit| over the evaluated images. */
  maxLogitError: number;
  /** The same for PyTorch's own float32 logits (for scale). */
  pytorchFp32LogitError: number;
  disagreements: Disagreement[];
  seconds: number;
  /** What ran the model. */
  engine: EngineDescription;
  ok: boolean;
}

export async function findIdx(dataDir: string, name: string): Promise<string> {
  for (const file of [`${name}.gz`, name]) {
    const p = path.join(dataDir, file);
    if (await readFile(p).then(() => true, () => false)) return p;
  }
  throw new Error(
    `Fashion-MNIST test set not found: ${path.join(dataDir, name)}(.gz) is missing; the repository ships it in ${FASHION_MNIST_DIR}, ` +
      'or pass the folder holding the IDX files',
  );
}

export async function evaluateFashion(options: FashionEvalOptions): Promise<FashionEvalReport> {
  const dataDir = options.dataDir ?? path.join(options.repoRoot, FASHION_MNIST_DIR);
  const stride = options.stride ?? 1;
  const batchSize = options.batchSize ?? 500;
  const modelDir = path.join(options.repoRoot, 'models', 'fashion-vit-tiny');
  const images = await readIdx(await findIdx(dataDir, 't10k-images-idx3-ubyte'));
  const labels = await readIdx(await findIdx(dataDir, 't10k-labels-idx1-ubyte'));
  const [count, height, width] = images.shape;
  const reference = await IoFile.open(path.join(options.repoRoot, 'models', 'fashion-eval', 'predictions.safetensors'));
  const refLabels = (await reference.typed('labels')) as BigInt64Array;
  const refPredicted = (await reference.typed('predicted')) as BigInt64Array;
  const refLogits = (await reference.tensor('logits')).data; // [10000, 10] PyTorch float32
  const refLogits64 = (await reference.tensor('logits_f64')).data; // [10000, 10] PyTorch float64, rounded
  if (count !== refLabels.length || labels.data.length !== count) throw new Error(`the IDX files hold ${count} images / ${labels.data.length} labels, the reference ${refLabels.length}`);
  for (let i = 0; i < count; i++) {
    if (BigInt(labels.data[i]) !== refLabels[i]) throw new Error(`IDX label ${labels.data[i]} of test image ${i} differs from the reference label ${refLabels[i]}`);
  }

  const processor = await ViTImageProcessor.fromPretrained(modelDir);
  const model = await ViTForImageClassification.fromPretrained(modelDir, { engine: options.engine });
  const classes = model.config.numLabels;
  const indices = Array.from({ length: Math.ceil(count / stride) }, (_, i) => i * stride);

  const start = performance.now();
  let correct = 0;
  let agree = 0;
  let maxLogitError = 0;
  let pytorchFp32LogitError = 0;
  const ours: { index: number; predicted: number }[] = [];
  for (let at = 0; at < indices.length; at += batchSize) {
    const batch = indices.slice(at, at + batchSize);
    const rgb = batch.map((index) => grayToRgb(images.data.subarray(index * height * width, (index + 1) * height * width), width, height));
    const { logits } = await model.forward({ pixelValues: processor.preprocessRgb(rgb) });
    batch.forEach((index, n) => {
      const row = logits.data.subarray(n * classes, (n + 1) * classes);
      for (let c = 0; c < classes; c++) {
        maxLogitError = Math.max(maxLogitError, Math.abs(row[c] - refLogits64[index * classes + c]));
        pytorchFp32LogitError = Math.max(pytorchFp32LogitError, Math.abs(refLogits[index * classes + c] - refLogits64[index * classes + c]));
      }
      const predicted = argmax(row);
      ours.push({ index, predicted });
      if (predicted === labels.data[index]) correct++;
      if (BigInt(predicted) === refPredicted[index]) agree++;
    });
  }
  const seconds = (performance.now() - start) / 1000;
  const engine = model.engine.describe();
  await model.dispose();

  const disagreements = ours
    .filter(({ index, predicted }) => BigInt(predicted) !== refPredicted[index])
    .map(({ index, predicted }): Disagreement => {
      const margin = top2Margin(refLogits.subarray(index * classes, (index + 1) * classes));
      return { index, ours: predicted, pytorch: Number(refPredicted[index]), margin, explained: margin < maxLogitError };
    });
  const n = indices.length;
  return {
    images: n,
    correct,
    accuracy: correct / n,
    agree,
    maxLogitError,
    pytorchFp32LogitError,
    disagreements,
    seconds,
    engine,
    ok: disagreements.every((d) => d.explained),
  };
}

/** A gray IDX image as PIL's convert('RGB') gives it: three identical channels. */
function grayToRgb(gray: Uint8Array, width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < gray.length; p++) data[3 * p] = data[3 * p + 1] = data[3 * p + 2] = gray[p];
  return { data, width, height };
}

function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function top2Margin(values: ArrayLike<number>): number {
  let first = -Infinity;
  let second = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] > first) [first, second] = [values[i], first];
    else if (values[i] > second) second = values[i];
  }
  return first - second;
}

export function formatFashionReport(r: FashionEvalReport, dataDir: string): string {
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  const lines = [
    `fashion-vit-tiny on ${r.images} Fashion-MNIST test images (${dataDir})`,
    `accuracy: ${pct(r.accuracy)} (${r.correct} / ${r.images}); PyTorch on the full set: 88.42 %`,
    `agreement with PyTorch's predictions: ${r.agree} / ${r.images} (${pct(r.agree / r.images)})`,
    `max |logit - PyTorch float64 logit|: ${r.maxLogitError.toExponential(2)} (PyTorch float32: ${r.pytorchFp32LogitError.toExponential(2)})`,
  ];
  if (r.disagreements.length === 0) lines.push('disagreements: none');
  for (const d of r.disagreements) {
    lines.push(
      `disagreement at test image ${d.index}: ours ${d.ours}, PyTorch ${d.pytorch}; PyTorch top-2 margin ${d.margin.toExponential(2)} ` +
        `${d.explained ? '<' : '>='} our logit error ${r.maxLogitError.toExponential(2)}: ${d.explained ? 'explained' : 'NOT EXPLAINED'}`,
    );
  }
  const e = r.engine;
  lines.push(`time: ${r.seconds.toFixed(1)} s (${(r.images / r.seconds).toFixed(0)} images/s; ${e.backend}${e.simd ? ` ${e.simd} SIMD` : ''}, ${e.threads} thread${e.threads === 1 ? '' : 's'})`);
  lines.push(r.ok ? 'OK' : 'FAILED: a disagreement is not explained by PyTorch\'s margin');
  return lines.join('\n');
}
