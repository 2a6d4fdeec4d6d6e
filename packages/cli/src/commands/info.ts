import { loadWeights, type WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { AutoConfig, ViTConfig, VisionEncoderConfig, type JsonObject, type JsonValue, type PretrainedConfig } from '@purevit/models';
import { booleanFlag, modelChoice, requirePositionals, type Command } from '../command.js';

interface Summary {
  modelType: string;
  architectures: string[];
  hiddenSize: number | null;
  layers: number | null;
  heads: number | null;
  imageSize: [number, number] | null;
  patchSize: [number, number] | null;
  labels: number;
}

function pair(v: JsonValue | number | [number, number] | undefined): [number, number] | null {
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length >= 2 && typeof v[v.length - 2] === 'number' && typeof v[v.length - 1] === 'number') {
    return [v[v.length - 2] as number, v[v.length - 1] as number]; // timm input_size is [C, H, W]
  }
  return null;
}

function num(...values: (JsonValue | undefined)[]): number | null {
  for (const v of values) if (typeof v === 'number') return v;
  return null;
}

function obj(v: JsonValue | undefined): JsonObject {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** The architecture in a few numbers: ViT's and its relatives' from their config (transformers' defaults applied), others from config.json / timm's model_args. */
export function summarize(config: PretrainedConfig, dict: JsonObject): Summary {
  const architectures = Array.isArray(dict.architectures) ? dict.architectures.filter((a): a is string => typeof a === 'string') : typeof dict.architecture === 'string' ? [dict.architecture] : [];
  if (config instanceof ViTConfig || config instanceof VisionEncoderConfig) {
    return {
      modelType: config.modelType, architectures, hiddenSize: config.hiddenSize, layers: config.numHiddenLayers, heads: config.numAttentionHeads,
      imageSize: pair(config.imageSize), patchSize: pair(config.patchSize), labels: config.numLabels,
    };
  }
  const args = obj(dict.model_args);
  const pretrained = obj(dict.pretrained_cfg);
  return {
    modelType: config.modelType,
    architectures,
    hiddenSize: num(dict.hidden_size, args.embed_dim, dict.num_features),
    layers: num(dict.num_hidden_layers, args.depth),
    heads: num(dict.num_attention_heads, args.num_heads),
    imageSize: pair(dict.image_size ?? args.img_size ?? pretrained.input_size),
    patchSize: pair(dict.patch_size ?? args.patch_size),
    labels: config.numLabels,
  };
}

function tensorList(weights: WeightMap): { name: string; dtype: string; shape: number[] }[] {
  // Natural order: layer.2 before layer.10.
  const names = [...weights.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return names.map((name) => ({ name, dtype: weights.get(name)!.dtype, shape: [...weights.get(name)!.shape] }));
}

export const info: Command = {
  name: 'info',
  summary: 'config summary, parameter count, tensors and dtypes of a model',
  synopsis: 'purevit info <model> [--json]',
  description: 'Describes a model folder or Hugging Face hub id: architecture, sizes, labels, parameter count and every checkpoint tensor.',
  flags: {
    json: { type: 'boolean', description: 'print everything as one JSON object (config.json included)' },
  },
  async run(args, ctx) {
    const [arg] = requirePositionals(args, 'model argument (info <model>)', ctx, 1);
    const model = await modelChoice(arg);
    const repo = await openRepo(model.source, { onProgress: ctx.progress.download() });
    const config = await AutoConfig.fromRepo(repo);
    const dict = await repo.readJson<JsonObject>('config.json');
    const weights = await loadWeights(repo);
    ctx.progress.clear();
    const summary = summarize(config, dict);
    const tensors = tensorList(weights);
    const parameters = tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    const dtypes: Record<string, number> = {};
    for (const t of tensors) dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;

    if (booleanFlag(args, 'json')) {
      const labels = Object.fromEntries(Array.from({ length: config.numLabels }, (_, i) => [i, config.labelOf(i)]));
      ctx.io.stdout.write(`${JSON.stringify({ model: model.display, ...summary, labelNames: labels, parameters, dtypes, tensors, config: dict }, null, 2)}\n`);
      return 0;
    }
    const size = (p: [number, number] | null): string => (p ? `${p[0]}x${p[1]}` : '-');
    const names = Array.from({ length: Math.min(config.numLabels, 10) }, (_, i) => config.labelOf(i)).join(', ');
    const rows: [string, string][] = [
      ['model', model.display],
      ['type', `${summary.modelType}${summary.architectures.length ? ` (${summary.architectures.join(', ')})` : ''}`],
      ['hidden size', String(summary.hiddenSize ?? '-')],
      ['layers', String(summary.layers ?? '-')],
      ['heads', String(summary.heads ?? '-')],
      ['image size', size(summary.imageSize)],
      ['patch size', size(summary.patchSize)],
      ['labels', `${summary.labels}${summary.labels ? `: ${names}${summary.labels > 10 ? ', …' : ''}` : ''}`],
      ['parameters', `${parameters.toLocaleString('en-US')} (${(parameters / 1e6).toFixed(2)} M)`],
      ['tensors', `${tensors.length} (${Object.entries(dtypes).map(([d, n]) => `${n} ${d}`).join(', ')})`],
    ];
    const nameWidth = Math.max(...tensors.map((t) => t.name.length));
    const lines = [
      ...rows.map(([k, v]) => `${k.padEnd(12)} ${v}`),
      '',
      ...tensors.map((t) => `  ${t.name.padEnd(nameWidth)}  ${t.dtype.padEnd(4)}  [${t.shape.join(', ')}]`),
    ];
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
