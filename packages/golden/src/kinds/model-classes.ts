/**
 * The model classes the "model" kind can build, keyed by the transformers class name in case.json.
 * Each adapter translates the case's snake_case keywords into the TypeScript API and the output
 * fields back.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tensor, type Engine } from '@purevit/core';
import {
  TimmWrapperForImageClassification,
  TimmWrapperModel,
  ViTForImageClassification,
  ViTForMaskedImageModeling,
  ViTModel,
  type AttentionImplementation,
  type TimmWrapperConfig,
  type TimmWrapperModelInputs,
  type ViTModelInputs,
} from '@purevit/models';
import type { CaseJson } from '../case.js';

/** Forward keyword (snake_case, as in case.json) → value read from io.safetensors. */
export type CaseInputs = Record<string, Tensor | BigInt64Array>;

/** Output field (snake_case, as in case.json) → what the model returned. */
export type ModelOutputs = Record<string, Tensor | Tensor[] | null | undefined>;

export interface LoadedModel {
  attnImplementation: AttentionImplementation;
  /**
   * The attention implementations worth running (default: eager and fused, eager only when the case
   * asks for attentions or a head mask); e.g. a CNN without attention lists just one.
   */
  implementations?: readonly AttentionImplementation[];
  run(inputs: CaseInputs, forwardKwargs: Record<string, unknown>): Promise<ModelOutputs>;
  /** Frees the model's engine memory. */
  dispose(): Promise<void>;
}

export interface ModelAdapter {
  /**
   * Loads onto `engine` (default: the default engine). `json`, when given, is the whole case.json (TimmWrapper
   * adapters check expected_config and state_dict_key_prefix).
   */
  load(modelDir: string, initKwargs: Record<string, unknown>, json?: CaseJson, engine?: Engine): Promise<LoadedModel>;
}

export const MODEL_CLASSES: Record<string, ModelAdapter> = {
  ViTModel: {
    async load(dir, init, _json, engine) {
      const model = await ViTModel.fromPretrained(dir, { ...vitInitOptions(init, ['add_pooling_layer', 'use_mask_token']), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, ['bool_masked_pos']))) }));
    },
  },
  ViTForImageClassification: {
    async load(dir, init, _json, engine) {
      const model = await ViTForImageClassification.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => {
        const out = await model.forward({ ...vitInputs(inputs, kwargs, ['labels']), labels: inputs.labels ?? null });
        return snakeCase({ ...out });
      });
    },
  },
  ViTForMaskedImageModeling: {
    async load(dir, init, _json, engine) {
      const model = await ViTForMaskedImageModeling.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, ['bool_masked_pos']))) }));
    },
  },
  TimmWrapperModel: {
    async load(dir, init, json, engine) {
      const model = await TimmWrapperModel.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      if (json) await checkTimmCase(dir, model.config, json);
      return wrapTimm(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(timmInputs(inputs, kwargs, []))) }));
    },
  },
  TimmWrapperForImageClassification: {
    async load(dir, init, json, engine) {
      const model = await TimmWrapperForImageClassification.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      if (json) await checkTimmCase(dir, model.config, json);
      return wrapTimm(model, async (inputs, kwargs) => {
        const out = await model.forward({ ...timmInputs(inputs, kwargs, ['labels']), labels: inputs.labels ?? null });
        return snakeCase({ ...out });
      });
    },
  },
};

export function wrap(model: { attnImplementation: AttentionImplementation; dispose(): Promise<void> }, run: LoadedModel['run']): LoadedModel {
  return {
    dispose: () => model.dispose(),
    get attnImplementation() {
      return model.attnImplementation;
    },
    set attnImplementation(impl: AttentionImplementation) {
      model.attnImplementation = impl;
    },
    run,
  };
}

/** A timm ViT runs both attention implementations; a ResNet has no attention, so one run is enough. */
function wrapTimm(model: { attnImplementation: AttentionImplementation; timmModel: { family: string }; dispose(): Promise<void> }, run: LoadedModel['run']): LoadedModel {
  const loaded = wrap(model, run);
  if (model.timmModel.family === 'resnet') loaded.implementations = ['fused'];
  return loaded;
}

export function vitInitOptions(init: Record<string, unknown>, allowed: string[]): { addPoolingLayer?: boolean; useMaskToken?: boolean } {
  for (const key of Object.keys(init)) if (!allowed.includes(key)) throw new Error(`unsupported model_init_kwargs key ${key}`);
  return {
    ...(typeof init.add_pooling_layer === 'boolean' ? { addPoolingLayer: init.add_pooling_layer } : {}),
    ...(typeof init.use_mask_token === 'boolean' ? { useMaskToken: init.use_mask_token } : {}),
  };
}

export function checkNoInitOptions(init: Record<string, unknown>): Record<string, never> {
  for (const key of Object.keys(init)) throw new Error(`unsupported model_init_kwargs key ${key}`);
  return {};
}

const VIT_FORWARD_KWARGS = ['output_hidden_states', 'output_attentions', 'interpolate_pos_encoding', 'return_dict'];

/** ViT forward inputs; an input or keyword the case uses and the adapter does not know is an error. */
export function vitInputs(inputs: CaseInputs, kwargs: Record<string, unknown>, extraInputs: string[]): ViTModelInputs {
  for (const key of Object.keys(inputs)) {
    if (!['pixel_values', 'head_mask', ...extraInputs].includes(key)) throw new Error(`unsupported forward input ${key}`);
  }
  for (const key of Object.keys(kwargs)) if (!VIT_FORWARD_KWARGS.includes(key)) throw new Error(`unsupported forward_kwargs key ${key}`);
  if (kwargs.return_dict === false) throw new Error('return_dict=false (tuple outputs) is not a supported case layout');
  const pixelValues = inputs.pixel_values;
  if (!(pixelValues instanceof Tensor)) throw new Error('the case has no float pixel_values input');
  return {
    pixelValues,
    boolMaskedPos: tensorOrNull(inputs.bool_masked_pos),
    headMask: tensorOrNull(inputs.head_mask),
    outputHiddenStates: kwargs.output_hidden_states === true,
    outputAttentions: kwargs.output_attentions === true,
    interpolatePosEncoding: kwargs.interpolate_pos_encoding === true,
  };
}

const TIMM_FORWARD_KWARGS = ['output_hidden_states', 'output_attentions', 'do_pooling', 'return_dict'];

/** TimmWrapper forward inputs; output_hidden_states may be true or a list of indices (forward_intermediates' indices). */
function timmInputs(inputs: CaseInputs, kwargs: Record<string, unknown>, extraInputs: string[]): TimmWrapperModelInputs {
  for (const key of Object.keys(inputs)) if (!['pixel_values', ...extraInputs].includes(key)) throw new Error(`unsupported forward input ${key}`);
  for (const key of Object.keys(kwargs)) if (!TIMM_FORWARD_KWARGS.includes(key)) throw new Error(`unsupported forward_kwargs key ${key}`);
  if (kwargs.return_dict === false) throw new Error('return_dict=false (tuple outputs) is not a supported case layout');
  const pixelValues = inputs.pixel_values;
  if (!(pixelValues instanceof Tensor)) throw new Error('the case has no float pixel_values input');
  const hidden = kwargs.output_hidden_states;
  if (hidden !== undefined && typeof hidden !== 'boolean' && !(Array.isArray(hidden) && hidden.every((i) => Number.isInteger(i)))) {
    throw new Error(`output_hidden_states must be a boolean or a list of indices, got ${JSON.stringify(hidden)}`);
  }
  return {
    pixelValues,
    outputHiddenStates: hidden as boolean | number[] | undefined,
    outputAttentions: kwargs.output_attentions === true,
    ...(typeof kwargs.do_pooling === 'boolean' ? { doPooling: kwargs.do_pooling } : {}),
  };
}

/**
 * TimmWrapper cases record what transformers' TimmWrapperConfig.from_dict made of config.json
 * (`expected_config`) and how the checkpoint names its keys (`state_dict_key_prefix`): both must hold.
 */
async function checkTimmCase(dir: string, config: TimmWrapperConfig, json: CaseJson): Promise<void> {
  const expected = json.expected_config as Record<string, unknown> | undefined;
  if (expected) {
    const actual: Record<string, unknown> = {
      architecture: config.architecture,
      model_args: config.modelArgs,
      num_labels: config.numLabels,
      id2label: Object.fromEntries(Object.entries(config.id2label).map(([i, name]) => [String(i), name])),
      label2id: config.label2id,
    };
    for (const [key, want] of Object.entries(expected)) {
      if (!(key in actual)) throw new Error(`expected_config.${key} is not a TimmWrapperConfig field this runner checks`);
      if (JSON.stringify(sortKeys(actual[key])) !== JSON.stringify(sortKeys(want))) {
        throw new Error(`TimmWrapperConfig.${key} is ${JSON.stringify(actual[key])}, transformers made ${JSON.stringify(want)}`);
      }
    }
  }
  const prefix = json.state_dict_key_prefix;
  if (typeof prefix === 'string') {
    const keys = await safetensorsKeys(dir);
    const wrong = keys.filter((k) => (prefix === '' ? k.startsWith('timm_model.') : !k.startsWith(prefix)));
    if (wrong.length > 0) throw new Error(`state_dict_key_prefix "${prefix}" does not describe checkpoint keys such as ${wrong[0]}`);
  }
}

/** Tensor names of `<dir>/model.safetensors` (its JSON header). */
async function safetensorsKeys(dir: string): Promise<string[]> {
  const bytes = await readFile(path.join(dir, 'model.safetensors'));
  const headerLength = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  return Object.keys(header).filter((k) => k !== '__metadata__');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

export function tensorOrNull(value: Tensor | BigInt64Array | undefined): Tensor | null {
  if (value === undefined) return null;
  if (!(value instanceof Tensor)) throw new Error('expected a float or bool tensor input, got an integer one');
  return value;
}

/** camelCase output fields → the snake_case names case.json uses. */
export function snakeCase(outputs: Record<string, unknown>): ModelOutputs {
  const out: ModelOutputs = {};
  for (const [key, value] of Object.entries(outputs)) {
    out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value as Tensor | Tensor[] | null;
  }
  return out;
}
