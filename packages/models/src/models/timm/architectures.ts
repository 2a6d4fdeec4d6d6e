import { ConfigError, formatList, formatValue } from '@purevit/weights';
import type { JsonObject } from '../../configs/pretrained-config.js';
import { ARCHITECTURE_TABLE } from './architecture-table.js';

/** The timm model families purevit implements (timm/models/vision_transformer.py + deit.py, resnet.py). */
export type TimmFamily = keyof typeof ARCHITECTURE_TABLE;

/** An entry point resolved for building: its family and its keyword arguments with model_args merged over them. */
export interface TimmArchitecture {
  /** Entry-point name without a pretrained tag (`vit_base_patch16_224`). */
  name: string;
  family: TimmFamily;
  /** snake_case keyword arguments, as timm's model class receives them. */
  args: JsonObject;
}

/** The table's purevit-only key (see architecture-table.ts); not a timm argument, so never taken from model_args. */
const NORM_EPS = 'norm_eps';

const FAMILIES = Object.keys(ARCHITECTURE_TABLE) as TimmFamily[];

/** Every supported entry-point name, grouped by family in table order. */
export function supportedArchitectures(): string[] {
  return FAMILIES.flatMap((family) => Object.keys(ARCHITECTURE_TABLE[family]));
}

function lookup(name: string): { family: TimmFamily; args: JsonObject } | null {
  for (const family of FAMILIES) {
    const table = ARCHITECTURE_TABLE[family] as Readonly<Record<string, unknown>>;
    if (Object.prototype.hasOwnProperty.call(table, name)) return { family, args: structuredClone(table[name]) as JsonObject };
  }
  return null;
}

/**
 * timm.create_model's name resolution: `architecture` (an entry point, optionally `.tag`) → family and
 * arguments, with `modelArgs` (config.json model_args) merged over the entry point's own. An unknown
 * name is an error listing the supported ones.
 */
export function resolveArchitecture(architecture: string, modelArgs: JsonObject | null = null): TimmArchitecture {
  const dot = architecture.indexOf('.');
  const name = dot < 0 ? architecture : architecture.slice(0, dot);
  const entry = lookup(name);
  if (!entry) {
    throw new ConfigError('unsupported', `unknown timm architecture ${formatValue(architecture)}; supported: ${formatList(supportedArchitectures(), 200)}`, { field: 'architecture' });
  }
  const overrides = modelArgs ?? {};
  if (Object.prototype.hasOwnProperty.call(overrides, NORM_EPS)) {
    throw new ConfigError('unsupported', `model_args has unknown argument "${NORM_EPS}" (timm's ${name} does not take it)`, { field: `model_args.${NORM_EPS}` });
  }
  // A norm_layer given in model_args replaces the entry point's partial(LayerNorm, eps=…) with its own defaults.
  if (Object.prototype.hasOwnProperty.call(overrides, 'norm_layer')) delete entry.args[NORM_EPS];
  return { name, family: entry.family, args: { ...entry.args, ...structuredClone(overrides) } };
}
