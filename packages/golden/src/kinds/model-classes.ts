/**
 * The model classes the "model" kind can build, keyed by the transformers class name in case.json.
 * Each adapter translates the case's snake_case keywords into the TypeScript API and the output
 * fields back. TimmWrapper classes register here when they exist; until then their cases are skipped.
 */

import { Tensor } from '@purevit/core';
import {
  ViTForImageClassification,
  ViTForMaskedImageModeling,
  ViTModel,
  type AttentionImplementation,
  type ViTModelInputs,
} from '@purevit/models';

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
}

export interface ModelAdapter {
  load(modelDir: string, initKwargs: Record<string, unknown>): Promise<LoadedModel>;
}

export const MODEL_CLASSES: Record<string, ModelAdapter> = {
  ViTModel: {
    async load(dir, init) {
      const model = await ViTModel.fromPretrained(dir, vitInitOptions(init, ['add_pooling_layer', 'use_mask_token']));
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, ['bool_masked_pos']))) }));
    },
  },
  ViTForImageClassification: {
    async load(dir, init) {
      const model = await ViTForImageClassification.fromPretrained(dir, checkNoInitOptions(init));
      return wrap(model, async (inputs, kwargs) => {
        const out = await model.forward({ ...vitInputs(inputs, kwargs, ['labels']), labels: inputs.labels ?? null });
        return snakeCase({ ...out });
      });
    },
  },
  ViTForMaskedImageModeling: {
    async load(dir, init) {
      const model = await ViTForMaskedImageModeling.fromPretrained(dir, checkNoInitOptions(init));
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, ['bool_masked_pos']))) }));
    },
  },
};

function wrap(model: { attnImplementation: AttentionImplementation }, run: LoadedModel['run']): LoadedModel {
  return {
    get attnImplementation() {
      return model.attnImplementation;
    },
    set attnImplementation(impl: AttentionImplementation) {
      model.attnImplementation = impl;
    },
    run,
  };
}

function vitInitOptions(init: Record<string, unknown>, allowed: string[]): { addPoolingLayer?: boolean; useMaskToken?: boolean } {
  for (const key of Object.keys(init)) if (!allowed.includes(key)) throw new Error(`unsupported model_init_kwargs key ${key}`);
  return {
    ...(typeof init.add_pooling_layer === 'boolean' ? { addPoolingLayer: init.add_pooling_layer } : {}),
    ...(typeof init.use_mask_token === 'boolean' ? { useMaskToken: init.use_mask_token } : {}),
  };
}

function checkNoInitOptions(init: Record<string, unknown>): Record<string, never> {
  for (const key of Object.keys(init)) throw new Error(`unsupported model_init_kwargs key ${key}`);
  return {};
}

const VIT_FORWARD_KWARGS = ['output_hidden_states', 'output_attentions', 'interpolate_pos_encoding', 'return_dict'];

/** ViT forward inputs; an input or keyword the case uses and the adapter does not know is an error. */
function vitInputs(inputs: CaseInputs, kwargs: Record<string, unknown>, extraInputs: string[]): ViTModelInputs {
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

function tensorOrNull(value: Tensor | BigInt64Array | undefined): Tensor | null {
  if (value === undefined) return null;
  if (!(value instanceof Tensor)) throw new Error('expected a float or bool tensor input, got an integer one');
  return value;
}

/** camelCase output fields → the snake_case names case.json uses. */
function snakeCase(outputs: Record<string, unknown>): ModelOutputs {
  const out: ModelOutputs = {};
  for (const [key, value] of Object.entries(outputs)) {
    out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value as Tensor | Tensor[] | null;
  }
  return out;
}
