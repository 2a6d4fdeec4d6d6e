/**
 * The fields every transformers config shares (`PretrainedConfig`): labels, problem type, output
 * switches. Model configs extend it; unknown config.json fields are kept in `extra`, never rejected,
 * because hub configs carry many keys (training metadata, newer fields) a port cannot know.
 * Every field is read through the typed readers below: a wrong type or a size outside
 * CONFIG_BOUNDS (@purevit/weights) is a ConfigError naming the field, before anything is allocated.
 */

import { CONFIG_BOUNDS, ConfigError, checkBound, checkJsonDepth, formatValue, type BoundName } from '@purevit/weights';
import { invertLabels, LabelTable } from './label-table.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type ProblemType = 'regression' | 'single_label_classification' | 'multi_label_classification';

export const PROBLEM_TYPES: readonly ProblemType[] = [
  'regression',
  'single_label_classification',
  'multi_label_classification',
];

/** The keys PretrainedConfig consumes itself; everything else a subclass does not read goes to `extra`. */
const COMMON_KEYS = [
  'model_type',
  'architectures',
  'id2label',
  'label2id',
  'num_labels',
  'problem_type',
  'output_hidden_states',
  'output_attentions',
  'return_dict',
  'torch_dtype',
  'transformers_version',
  '_name_or_path',
] as const;

export class PretrainedConfig {
  modelType: string;
  architectures: string[] | null;
  private labels: LabelTable;
  /** Explicit name → index map; null = none (repeated names); undefined = derived from the labels. */
  private label2idStore: Record<string, number> | null | undefined;
  problemType: ProblemType | null;
  outputHiddenStates: boolean;
  outputAttentions: boolean;
  returnDict: boolean;
  torchDtype: string | null;
  transformersVersion: string | null;
  nameOrPath: string;
  /** config.json fields this port does not interpret, kept verbatim. */
  extra: JsonObject;

  protected constructor(dict: JsonObject, modelType: string, consumed: readonly string[]) {
    checkJsonDepth(dict, 'config.json');
    this.modelType = optionalString(dict, 'model_type') ?? modelType;
    const architectures = dict.architectures;
    if (architectures != null && !(Array.isArray(architectures) && architectures.every((a) => typeof a === 'string'))) {
      throw new ConfigError('invalid_type', `config field architectures must be a list of class names, got ${formatValue(architectures)}`, { field: 'architectures' });
    }
    this.architectures = architectures == null ? null : (architectures as string[]);

    const problemType = dict.problem_type ?? null;
    if (problemType !== null && !PROBLEM_TYPES.includes(problemType as ProblemType)) {
      throw new ConfigError(
        'invalid_type',
        `config field problem_type was not understood: received ${formatValue(problemType)} but only ${PROBLEM_TYPES.map((p) => `'${p}'`).join(', ')} are valid`,
        { field: 'problem_type' },
      );
    }
    this.problemType = problemType as ProblemType | null;

    const { labels, label2id } = parseLabels(dict);
    this.labels = labels;
    this.label2idStore = label2id;

    this.outputHiddenStates = optionalBoolean(dict, 'output_hidden_states') ?? false;
    this.outputAttentions = optionalBoolean(dict, 'output_attentions') ?? false;
    this.returnDict = optionalBoolean(dict, 'return_dict') ?? true;
    this.torchDtype = optionalString(dict, 'torch_dtype') ?? null;
    this.transformersVersion = optionalString(dict, 'transformers_version') ?? null;
    this.nameOrPath = optionalString(dict, '_name_or_path') ?? '';

    const known = new Set<string>([...COMMON_KEYS, ...consumed]);
    this.extra = {};
    for (const [key, value] of Object.entries(dict)) if (!known.has(key)) this.extra[key] = value;
  }

  /** Class index → name. Keys are integers (JSON stores them as strings). Default names are built on first access. */
  get id2label(): Record<number, string> {
    return this.labels.record();
  }

  set id2label(id2label: Record<number, string>) {
    this.labels = LabelTable.of(id2label);
  }

  get label2id(): Record<string, number> | null {
    if (this.label2idStore === undefined) this.label2idStore = invertLabels(this.labels.record());
    return this.label2idStore;
  }

  set label2id(label2id: Record<string, number> | null) {
    this.label2idStore = label2id;
  }

  /** `len(id2label)`, as transformers' `num_labels` property. */
  get numLabels(): number {
    return this.labels.size;
  }

  /** transformers' num_labels setter: resets the labels to LABEL_i unless they already have that count. */
  set numLabels(n: number) {
    checkBound(n, 'labels', 'numLabels', 'option');
    if (this.numLabels === n) return;
    this.labels = LabelTable.defaults(n);
    this.label2idStore = undefined;
  }

  /** The label name of class `index` (`LABEL_<index>` when the config has none); builds no table. */
  labelOf(index: number): string {
    return this.labels.nameOf(index);
  }
}

/**
 * transformers: an explicit id2label wins (its size is num_labels, a conflicting num_labels only warns
 * there); otherwise num_labels (default 2) gives LABEL_0 … LABEL_{n-1}.
 */
function parseLabels(dict: JsonObject): { labels: LabelTable; label2id: Record<string, number> | undefined } {
  const raw = dict.id2label;
  if (raw == null) {
    const n = dict.num_labels ?? 2;
    return { labels: LabelTable.defaults(checkBound(n, 'labels', 'num_labels')), label2id: parseLabel2id(dict) };
  }
  if (!isJsonObject(raw)) {
    throw new ConfigError('invalid_type', `config field id2label must be a mapping of class index to name, got ${formatValue(raw)}`, { field: 'id2label' });
  }
  const id2label: Record<number, string> = {};
  let count = 0;
  for (const key in raw) {
    if (++count > CONFIG_BOUNDS.labels.max) {
      throw new ConfigError('out_of_range', `config field id2label has more than ${CONFIG_BOUNDS.labels.max} labels`, { field: 'id2label' });
    }
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= CONFIG_BOUNDS.labels.max) {
      throw new ConfigError('invalid_type', `config field id2label has a key that is not a class index: ${formatValue(key)}`, { field: 'id2label' });
    }
    id2label[index] = labelName(raw[key], `id2label.${key}`);
  }
  return { labels: LabelTable.of(id2label), label2id: parseLabel2id(dict) };
}

/** A class name: strings as they are, numbers and booleans as Python's str() writes them. */
export function labelName(value: JsonValue, field: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  throw new ConfigError('invalid_type', `config field ${field} must be a label name, got ${formatValue(value)}`, { field });
}

function parseLabel2id(dict: JsonObject): Record<string, number> | undefined {
  const raw = dict.label2id;
  if (raw == null) return undefined;
  if (!isJsonObject(raw)) {
    throw new ConfigError('invalid_type', `config field label2id must be a mapping of name to class index, got ${formatValue(raw)}`, { field: 'label2id' });
  }
  const out: Record<string, number> = {};
  for (const name in raw) out[name] = Number(raw[name]);
  return out;
}

// Typed readers for config.json fields: a wrong type or an out-of-bounds size is a ConfigError naming the field.

/** A number inside the named bound (default: any finite number of moderate size). */
export function optionalNumber(dict: JsonObject, key: string, bound: BoundName = 'finite'): number | undefined {
  const v = dict[key];
  if (v == null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new ConfigError('invalid_type', `config field ${key} must be a number, got ${formatValue(v)}`, { field: key });
  }
  return checkBound(v, bound, key);
}

/** An integer inside the named bound. */
export function optionalInteger(dict: JsonObject, key: string, bound: BoundName): number | undefined {
  return optionalNumber(dict, key, bound);
}

export function optionalString(dict: JsonObject, key: string): string | undefined {
  const v = dict[key];
  if (v == null) return undefined;
  if (typeof v !== 'string') throw new ConfigError('invalid_type', `config field ${key} must be a string, got ${formatValue(v)}`, { field: key });
  return v;
}

export function optionalBoolean(dict: JsonObject, key: string): boolean | undefined {
  const v = dict[key];
  if (v == null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError('invalid_type', `config field ${key} must be true or false, got ${formatValue(v)}`, { field: key });
  return v;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
