/**
 * Sane bounds of every size a config can declare, checked when the config is read, before anything
 * is allocated from it. A config is data from the network: `num_labels: 1e8` must not build a
 * hundred-million-entry label table, a preprocessor `size` of 30000 must not resize an image to
 * 2.7 GB, `layer_norm_eps: -1` must not give NaN scores. The limits are far above every published
 * checkpoint (ImageNet-22k has 21843 classes; the largest ViT inputs are 1024–1536 pixels) and far
 * below what would exhaust memory.
 */

import { ConfigError } from './config-error.js';
import { formatValue } from './format-value.js';

export interface Bound {
  readonly min: number;
  readonly max: number;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** `min` itself is excluded (eps > 0, crop_pct > 0). */
  readonly exclusiveMin?: boolean;
  /** What the bound is about, for messages ("label count", "image side in pixels"). */
  readonly what: string;
}

export const CONFIG_BOUNDS = {
  /** num_labels, timm num_classes, the size of id2label / label_names. */
  labels: { min: 0, max: 1_000_000, integer: true, what: 'label count' },
  /** image_size, img_size, preprocessor size, input_size, and any resize target derived from them. */
  imageSide: { min: 1, max: 8192, integer: true, what: 'image side in pixels' },
  patchSide: { min: 1, max: 1024, integer: true, what: 'patch side in pixels' },
  /** Patches per image: (H / patch) · (W / patch). */
  patches: { min: 1, max: 65536, integer: true, what: 'patch count' },
  channels: { min: 1, max: 64, integer: true, what: 'input channel count' },
  /** hidden_size, intermediate_size, embed_dim, ResNet stage widths. */
  width: { min: 1, max: 65536, integer: true, what: 'layer width' },
  heads: { min: 1, max: 1024, integer: true, what: 'attention head count' },
  /** num_hidden_layers, depth, blocks per ResNet stage. */
  layers: { min: 0, max: 1024, integer: true, what: 'layer count' },
  /** Register / prefix tokens. */
  tokens: { min: 0, max: 1024, integer: true, what: 'token count' },
  /** Small integer settings: strides, kernel sizes, groups, cardinality. */
  smallInteger: { min: 1, max: 4096, integer: true, what: 'value' },
  /** Normalisation eps: positive, finite, at most 1. */
  eps: { min: 0, max: 1, integer: false, exclusiveMin: true, what: 'eps' },
  /** timm crop_pct: resize to size / crop_pct before the crop. */
  cropPct: { min: 0, max: 16, integer: false, exclusiveMin: true, what: 'crop fraction' },
  /** mlp_ratio and other width multipliers. */
  ratio: { min: 0, max: 256, integer: false, exclusiveMin: true, what: 'ratio' },
  /** Dropout rates, init ranges: finite numbers of moderate size. */
  finite: { min: -1e6, max: 1e6, integer: false, what: 'number' },
} as const satisfies Record<string, Bound>;

export type BoundName = keyof typeof CONFIG_BOUNDS;

/** Config files (config.json, preprocessor_config.json, sharded indexes) larger than this are refused unread. */
export const MAX_CONFIG_BYTES = 16 * 1024 * 1024;
/** JSON nesting deeper than this in a config is refused (hub configs nest 3–4 levels). */
export const MAX_CONFIG_DEPTH = 32;

function describe(bound: Bound): string {
  const kind = bound.integer ? 'an integer' : 'a number';
  if (bound.exclusiveMin) return `${kind} > ${bound.min} and <= ${bound.max}`;
  return `${kind} in ${bound.min}..${bound.max}`;
}

/** Whether `value` is a number inside `bound`. */
export function withinBound(value: unknown, bound: Bound): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (bound.integer && !Number.isInteger(value)) return false;
  if (bound.exclusiveMin ? value <= bound.min : value < bound.min) return false;
  return value <= bound.max;
}

/**
 * `value` when it is a number inside the named bound; otherwise a ConfigError naming `field`
 * ("config field hidden_size must be an integer in 1..65536, got 1e+30"). `where` prefixes the
 * message ("config field", "vit_base_patch16_224: argument").
 */
export function checkBound(value: unknown, bound: BoundName | Bound, field: string, where = 'config field'): number {
  const b: Bound = typeof bound === 'string' ? CONFIG_BOUNDS[bound] : bound;
  if (withinBound(value, b)) return value;
  const wrongType = typeof value !== 'number' || (b.integer && Number.isFinite(value) && !Number.isInteger(value));
  const why = `${where} ${field} must be ${describe(b)}${typeof value === 'number' && !wrongType ? ` (${b.what})` : ''}, got ${formatValue(value)}`;
  throw new ConfigError(wrongType ? 'invalid_type' : 'out_of_range', why, { field });
}

/**
 * Throws a ConfigError unless `value` (parsed JSON) nests at most `maxDepth` levels. Iterative, so a
 * value nested a million deep is refused without exhausting the stack.
 */
export function checkJsonDepth(value: unknown, what: string, maxDepth = MAX_CONFIG_DEPTH): void {
  const stack: [unknown, number][] = [[value, 0]];
  let visited = 0;
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) throw new ConfigError('too_deep', `${what} nests deeper than ${maxDepth} levels`);
    // A config that is mostly containers is not one: the byte cap bounds the walk anyway.
    if (++visited > 4_000_000) throw new ConfigError('too_large', `${what} holds more than 4000000 objects and arrays`);
    if (Array.isArray(v)) {
      for (const item of v) if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
    } else {
      for (const key in v) {
        const item = (v as Record<string, unknown>)[key];
        if (item !== null && typeof item === 'object') stack.push([item, depth + 1]);
      }
    }
  }
}

/** Throws a ConfigError when a config file of `size` bytes is over `maxBytes`, naming the file. */
export function checkConfigSize(size: number, file: string, maxBytes = MAX_CONFIG_BYTES): void {
  if (size > maxBytes) {
    throw new ConfigError('too_large', `${file} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for config files`);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}

/** JSON.parse of a config file's text; invalid JSON, a non-object or too-deep nesting are ConfigErrors naming the file. */
export function parseConfigJson(text: string, file: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new ConfigError('invalid_json', `${file} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  checkJsonDepth(value, file);
  return value;
}
