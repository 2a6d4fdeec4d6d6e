/**
 * transformers' backbone fields (utils/backbone_utils.py at the golden's pinned commit):
 * `stage_names` = ["stem", "stage1", …, "stageN"] and `out_features` / `out_indices` aligned with
 * each other (one given → the other derived; neither → the last stage), verified the same way.
 * Only the *Backbone classes read them; configs keep them so a config round-trips as transformers'.
 */

import { ConfigError, formatValue } from '@purevit/weights';
import type { JsonObject } from './pretrained-config.js';

export interface BackboneStages {
  stageNames: string[];
  outFeatures: string[];
  outIndices: number[];
}

function fail(message: string): never {
  throw new ConfigError('inconsistent', `config: ${message}`, { field: 'out_features' });
}

function verify(features: string[] | null, indices: number[] | null, stages: readonly string[]): void {
  if (features !== null) {
    if (features.some((f) => !stages.includes(f))) fail(`out_features must be a subset of stage_names: ${formatValue(stages)} got ${formatValue(features)}`);
    if (new Set(features).size !== features.length) fail(`out_features must not contain any duplicates, got ${formatValue(features)}`);
    const sorted = stages.filter((s) => features.includes(s));
    if (sorted.some((s, i) => s !== features[i])) fail(`out_features must be in the same order as stage_names, expected ${formatValue(sorted)} got ${formatValue(features)}`);
  }
  if (indices !== null) {
    const positive = indices.map((i) => (i < 0 ? ((i % stages.length) + stages.length) % stages.length : i));
    if (positive.some((i) => i >= stages.length)) fail(`out_indices must be valid indices for stage_names ${formatValue(stages)}, got ${formatValue(indices)}`);
    if (new Set(positive).size !== positive.length) fail(`out_indices must not contain any duplicates, got ${formatValue(indices)}`);
    if (positive.some((v, i) => i > 0 && v < positive[i - 1])) fail(`out_indices must be in the same order as stage_names, got ${formatValue(indices)}`);
  }
  if (features !== null && indices !== null) {
    if (features.length !== indices.length) fail('out_features and out_indices should have the same length if both are set');
    if (features.some((f, i) => f !== stages.at(indices[i]))) fail('out_features and out_indices should correspond to the same stages if both are set');
  }
}

function list<T>(dict: JsonObject, key: string, check: (v: unknown) => v is T): T[] | null {
  const v = dict[key];
  if (v == null) return null;
  if (!Array.isArray(v) || !v.every(check)) throw new ConfigError('invalid_type', `config field ${key} must be a list, got ${formatValue(v)}`, { field: key });
  return v as T[];
}

/** `get_aligned_output_features_output_indices(out_features, out_indices, stage_names)` for `numLayers` encoder layers. */
export function readBackboneStages(dict: JsonObject, numLayers: number): BackboneStages {
  const stageNames = ['stem', ...Array.from({ length: numLayers }, (_, i) => `stage${i + 1}`)];
  const features = list(dict, 'out_features', (v): v is string => typeof v === 'string');
  const indices = list(dict, 'out_indices', (v): v is number => typeof v === 'number' && Number.isInteger(v));
  verify(features, indices, stageNames);
  let outFeatures: string[];
  let outIndices: number[];
  if (features === null && indices === null) {
    outIndices = [stageNames.length - 1];
    outFeatures = [stageNames[stageNames.length - 1]];
  } else if (indices === null) {
    outFeatures = features as string[];
    outIndices = outFeatures.map((f) => stageNames.indexOf(f));
  } else if (features === null) {
    outIndices = indices;
    outFeatures = indices.map((i) => stageNames.at(i) as string);
  } else {
    outFeatures = features;
    outIndices = indices;
  }
  verify(outFeatures, outIndices, stageNames);
  return { stageNames, outFeatures: [...outFeatures], outIndices: [...outIndices] };
}

/** Keys readBackboneStages consumes (stage_names is derived; configs save it). */
export const BACKBONE_KEYS = ['out_features', 'out_indices', 'stage_names'] as const;
