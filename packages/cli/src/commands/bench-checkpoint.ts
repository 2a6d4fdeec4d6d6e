/**
 * The benchmark's own checkpoints: ViT-Ti/16, S/16 and B/16 as transformers' ViTForImageClassification
 * (config.json + model.safetensors, 1000 classes) with deterministic random weights, written once into a
 * cache folder and then loaded through the normal `fromPretrained` path. The peer-runtime comparison
 * (benchmarks/src/compare.ts) reads the same files, so every system runs the same numbers.
 */

import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TensorInput } from '@purevit/weights';
import { writeSafetensorsFile } from '@purevit/weights/platform';

export interface BenchModelSpec {
  /** timm's short name, e.g. vit_base (vit_base_patch16_224). */
  name: string;
  hidden: number;
  layers: number;
  heads: number;
  mlp: number;
  patch: number;
  classes: number;
}

export const BENCH_MODELS: readonly BenchModelSpec[] = [
  { name: 'vit_tiny', hidden: 192, layers: 12, heads: 3, mlp: 768, patch: 16, classes: 1000 },
  { name: 'vit_small', hidden: 384, layers: 12, heads: 6, mlp: 1536, patch: 16, classes: 1000 },
  { name: 'vit_base', hidden: 768, layers: 12, heads: 12, mlp: 3072, patch: 16, classes: 1000 },
];

/** Bumped whenever the written values or layout change, so stale caches are not reused. */
const CHECKPOINT_VERSION = 1;

export function defaultCacheDir(): string {
  return join(tmpdir(), 'purevit-bench');
}

export function benchModelSpec(name: string): BenchModelSpec {
  const spec = BENCH_MODELS.find((m) => m.name === name);
  if (!spec) throw new Error(`unknown benchmark model ${JSON.stringify(name)} (known: ${BENCH_MODELS.map((m) => m.name).join(', ')})`);
  return spec;
}

/** Tokens of one image: the patches and [CLS]. */
export function tokenCount(spec: BenchModelSpec, imageSize: number): number {
  return (Math.floor(imageSize / spec.patch) ** 2) + 1;
}

/** Multiply-adds of one image (timm's "macs"): patch embedding, the blocks (projections and attention), the head. */
export function macsPerImage(spec: BenchModelSpec, imageSize: number): number {
  const { hidden: d, mlp: f, layers, patch, classes } = spec;
  const t = tokenCount(spec, imageSize);
  const embed = (t - 1) * 3 * patch * patch * d;
  const block = t * d * 3 * d + 2 * t * t * d + t * d * d + 2 * t * d * f;
  return embed + layers * block + d * classes;
}

/** transformers' config.json of the checkpoint. */
export function benchConfig(spec: BenchModelSpec, imageSize: number): Record<string, unknown> {
  return {
    architectures: ['ViTForImageClassification'],
    model_type: 'vit',
    hidden_size: spec.hidden,
    num_hidden_layers: spec.layers,
    num_attention_heads: spec.heads,
    intermediate_size: spec.mlp,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0,
    attention_probs_dropout_prob: 0,
    initializer_range: 0.02,
    layer_norm_eps: 1e-12,
    image_size: imageSize,
    patch_size: spec.patch,
    num_channels: 3,
    qkv_bias: true,
    encoder_stride: spec.patch,
    num_labels: spec.classes,
  };
}

/** Names and shapes in transformers' ViTForImageClassification order. */
export function benchTensorShapes(spec: BenchModelSpec, imageSize: number): [string, number[]][] {
  const { hidden: d, mlp: f, patch: p } = spec;
  const shapes: [string, number[]][] = [
    ['vit.embeddings.cls_token', [1, 1, d]],
    ['vit.embeddings.position_embeddings', [1, tokenCount(spec, imageSize), d]],
    ['vit.embeddings.patch_embeddings.projection.weight', [d, 3, p, p]],
    ['vit.embeddings.patch_embeddings.projection.bias', [d]],
  ];
  for (let l = 0; l < spec.layers; l++) {
    const at = `vit.encoder.layer.${l}`;
    for (const m of ['query', 'key', 'value']) shapes.push([`${at}.attention.attention.${m}.weight`, [d, d]], [`${at}.attention.attention.${m}.bias`, [d]]);
    shapes.push(
      [`${at}.attention.output.dense.weight`, [d, d]], [`${at}.attention.output.dense.bias`, [d]],
      [`${at}.intermediate.dense.weight`, [f, d]], [`${at}.intermediate.dense.bias`, [f]],
      [`${at}.output.dense.weight`, [d, f]], [`${at}.output.dense.bias`, [d]],
      [`${at}.layernorm_before.weight`, [d]], [`${at}.layernorm_before.bias`, [d]],
      [`${at}.layernorm_after.weight`, [d]], [`${at}.layernorm_after.bias`, [d]],
    );
  }
  shapes.push(['vit.layernorm.weight', [d]], ['vit.layernorm.bias', [d]], ['classifier.weight', [spec.classes, d]], ['classifier.bias', [spec.classes]]);
  return shapes;
}

export function parameterCount(spec: BenchModelSpec, imageSize: number): number {
  return benchTensorShapes(spec, imageSize).reduce((n, [, s]) => n + s.reduce((a, b) => a * b, 1), 0);
}

/**
 * Deterministic values for tensor number `index`: uniform with std 0.02 (the init's scale, so activations
 * stay in a realistic range), around 1 for LayerNorm weights. xorshift32 seeded per tensor.
 */
export function benchTensorValues(name: string, index: number, size: number): Float32Array {
  const out = new Float32Array(size);
  let s = (0x9e3779b9 ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0 || 1;
  const amplitude = 0.02 * Math.sqrt(3);
  const offset = /layernorm[a-z_]*\.weight$/.test(name) ? 1 : 0;
  for (let i = 0; i < size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = offset + ((s >>> 0) / 4294967296 * 2 - 1) * amplitude;
  }
  return out;
}

/** Deterministic pixel values [batch, 3, size, size] in [-1, 1) (what a 0.5/0.5-normalised image gives). */
export function benchPixels(batch: number, imageSize: number, seed = 1): Float32Array {
  const out = new Float32Array(batch * 3 * imageSize * imageSize);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2147483648 - 1;
  }
  return out;
}

export interface BenchCheckpoint {
  dir: string;
  /** Bytes of model.safetensors (fp32 weights + header). */
  weightBytes: number;
  /** True when this call wrote it (false: reused from the cache). */
  written: boolean;
}

/** The checkpoint folder for `spec` at `imageSize` under `cacheDir`, written when missing. */
export async function ensureBenchCheckpoint(spec: BenchModelSpec, imageSize: number, cacheDir: string): Promise<BenchCheckpoint> {
  const dir = join(cacheDir, `${spec.name}_patch${spec.patch}_${imageSize}-v${CHECKPOINT_VERSION}`);
  const weights = join(dir, 'model.safetensors');
  const existing = await stat(weights).catch(() => null);
  if (existing && (await stat(join(dir, 'config.json')).catch(() => null))) return { dir, weightBytes: existing.size, written: false };
  await mkdir(dir, { recursive: true });
  const inputs: [string, TensorInput][] = benchTensorShapes(spec, imageSize).map(([name, shape], i) => [
    name,
    { dtype: 'F32', shape, data: benchTensorValues(name, i, shape.reduce((a, b) => a * b, 1)) },
  ]);
  // config.json goes in last (by rename), so a folder with one is complete.
  const weightBytes = await writeSafetensorsFile(weights, inputs, { format: 'pt' });
  const temp = join(dir, `config.json.${process.pid}.incomplete`);
  await writeFile(temp, `${JSON.stringify(benchConfig(spec, imageSize), null, 2)}\n`);
  await rename(temp, join(dir, 'config.json')).catch(async (e: unknown) => {
    await rm(temp, { force: true });
    throw e;
  });
  return { dir, weightBytes, written: true };
}
