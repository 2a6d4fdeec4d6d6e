/**
 * The fields every transformers config shares (`PretrainedConfig`): labels, problem type, output
 * switches. Model configs extend it; unknown config.json fields are kept in `extra`, never rejected,
 * because hub configs carry many keys (training metadata, newer fields) a port cannot know.
 */

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
  /** Class index → name. Keys are integers (JSON stores them as strings). */
  id2label: Record<number, string>;
  label2id: Record<string, number> | null;
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
    this.modelType = optionalString(dict, 'model_type') ?? modelType;
    const architectures = dict.architectures;
    if (architectures != null && !(Array.isArray(architectures) && architectures.every((a) => typeof a === 'string'))) {
      throw new TypeError(`config field architectures must be a list of class names, got ${JSON.stringify(architectures)}`);
    }
    this.architectures = architectures == null ? null : (architectures as string[]);

    const problemType = dict.problem_type ?? null;
    if (problemType !== null && !PROBLEM_TYPES.includes(problemType as ProblemType)) {
      throw new Error(
        `config field problem_type was not understood: received ${JSON.stringify(problemType)} but only ${PROBLEM_TYPES.map((p) => `'${p}'`).join(', ')} are valid`,
      );
    }
    this.problemType = problemType as ProblemType | null;

    const { id2label, label2id } = parseLabels(dict);
    this.id2label = id2label;
    this.label2id = label2id;

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

  /** `len(id2label)`, as transformers' `num_labels` property. */
  get numLabels(): number {
    return Object.keys(this.id2label).length;
  }

  /** transformers' num_labels setter: resets the labels to LABEL_i unless they already have that count. */
  set numLabels(n: number) {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`numLabels must be a non-negative integer, got ${n}`);
    if (this.numLabels === n) return;
    const { id2label, label2id } = defaultLabels(n);
    this.id2label = id2label;
    this.label2id = label2id;
  }

  /** The label name of class `index` (`LABEL_<index>` when the config has none). */
  labelOf(index: number): string {
    return this.id2label[index] ?? `LABEL_${index}`;
  }
}

function defaultLabels(n: number): { id2label: Record<number, string>; label2id: Record<string, number> } {
  const id2label: Record<number, string> = {};
  const label2id: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    id2label[i] = `LABEL_${i}`;
    label2id[`LABEL_${i}`] = i;
  }
  return { id2label, label2id };
}

/**
 * transformers: an explicit id2label wins (its size is num_labels, a conflicting num_labels only warns
 * there); otherwise num_labels (default 2) gives LABEL_0 … LABEL_{n-1}.
 */
function parseLabels(dict: JsonObject): { id2label: Record<number, string>; label2id: Record<string, number> | null } {
  const raw = dict.id2label;
  if (raw == null) {
    const n = dict.num_labels ?? 2;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw new TypeError(`config field num_labels must be a non-negative integer, got ${JSON.stringify(n)}`);
    }
    const labels = defaultLabels(n);
    return { id2label: labels.id2label, label2id: parseLabel2id(dict) ?? labels.label2id };
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TypeError(`config field id2label must be a mapping of class index to name, got ${JSON.stringify(raw)}`);
  }
  const id2label: Record<number, string> = {};
  for (const [key, name] of Object.entries(raw)) {
    const index = Number(key);
    if (!Number.isInteger(index)) throw new TypeError(`config field id2label has a non-integer key ${JSON.stringify(key)}`);
    id2label[index] = String(name);
  }
  let label2id = parseLabel2id(dict);
  if (label2id === null) {
    label2id = {};
    for (const [index, name] of Object.entries(id2label)) label2id[name] = Number(index);
  }
  return { id2label, label2id };
}

function parseLabel2id(dict: JsonObject): Record<string, number> | null {
  const raw = dict.label2id;
  if (raw == null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new TypeError(`config field label2id must be a mapping of name to class index, got ${JSON.stringify(raw)}`);
  }
  const out: Record<string, number> = {};
  for (const [name, index] of Object.entries(raw)) out[name] = Number(index);
  return out;
}

// Typed readers for config.json fields: a wrong type is a clear error naming the field.

export function optionalNumber(dict: JsonObject, key: string): number | undefined {
  const v = dict[key];
  if (v == null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`config field ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

export function optionalInteger(dict: JsonObject, key: string, min = 0): number | undefined {
  const v = optionalNumber(dict, key);
  if (v !== undefined && (!Number.isInteger(v) || v < min)) {
    throw new TypeError(`config field ${key} must be an integer >= ${min}, got ${v}`);
  }
  return v;
}

export function optionalString(dict: JsonObject, key: string): string | undefined {
  const v = dict[key];
  if (v == null) return undefined;
  if (typeof v !== 'string') throw new TypeError(`config field ${key} must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export function optionalBoolean(dict: JsonObject, key: string): boolean | undefined {
  const v = dict[key];
  if (v == null) return undefined;
  if (typeof v !== 'boolean') throw new TypeError(`config field ${key} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
