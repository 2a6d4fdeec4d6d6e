/**
 * The "model" kind's adapters for the ViT family's relatives (DeiT, DINOv2 with and without registers,
 * ViTMAE, ViTMSN, BEiT), keyed by the transformers class name in case.json, as MODEL_CLASSES does for ViT
 * and TimmWrapper.
 */

import {
  BeitForImageClassification, BeitModel, DeiTForImageClassification, DeiTForImageClassificationWithTeacher, DeiTModel, Dinov2ForImageClassification, Dinov2Model,
  Dinov2WithRegistersForImageClassification, Dinov2WithRegistersModel, ViTMAEForPreTraining, ViTMAEModel, ViTMSNForImageClassification, ViTMSNModel,
} from '@purevit/models';
import { Tensor } from '@purevit/core';
import { checkNoInitOptions, snakeCase, vitInitOptions, vitInputs, wrap, type CaseInputs, type ModelAdapter } from './model-classes.js';

export const RELATIVE_MODEL_CLASSES: Record<string, ModelAdapter> = {
  BeitModel: {
    async load(dir, init, _json, engine) {
      const model = await BeitModel.fromPretrained(dir, { ...vitInitOptions(init, ['add_pooling_layer']), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, ['bool_masked_pos']))) }));
    },
  },
  BeitForImageClassification: {
    async load(dir, init, _json, engine) {
      const model = await BeitForImageClassification.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward({ ...vitInputs(inputs, kwargs, ['labels']), labels: inputs.labels ?? null })) }));
    },
  },
  DeiTModel: {
    async load(dir, init, _json, engine) {
      const model = await DeiTModel.fromPretrained(dir, { ...vitInitOptions(init, ['add_pooling_layer', 'use_mask_token']), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, ['bool_masked_pos']))) }));
    },
  },
  DeiTForImageClassification: {
    async load(dir, init, _json, engine) {
      const model = await DeiTForImageClassification.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward({ ...vitInputs(inputs, kwargs, ['labels']), labels: inputs.labels ?? null })) }));
    },
  },
  DeiTForImageClassificationWithTeacher: {
    async load(dir, init, _json, engine) {
      const model = await DeiTForImageClassificationWithTeacher.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, []))) }));
    },
  },
  Dinov2Model: {
    async load(dir, init, _json, engine) {
      const model = await Dinov2Model.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(noInterpolation(vitInputs(inputs, kwargs, ['bool_masked_pos'])))) }));
    },
  },
  Dinov2ForImageClassification: {
    async load(dir, init, _json, engine) {
      const model = await Dinov2ForImageClassification.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward({ ...noInterpolation(vitInputs(inputs, kwargs, ['labels'])), labels: inputs.labels ?? null })) }));
    },
  },
  Dinov2WithRegistersModel: {
    async load(dir, init, _json, engine) {
      const model = await Dinov2WithRegistersModel.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(noInterpolation(vitInputs(inputs, kwargs, ['bool_masked_pos'])))) }));
    },
  },
  Dinov2WithRegistersForImageClassification: {
    async load(dir, init, _json, engine) {
      const model = await Dinov2WithRegistersForImageClassification.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward({ ...noInterpolation(vitInputs(inputs, kwargs, ['labels'])), labels: inputs.labels ?? null })) }));
    },
  },
  ViTMAEModel: {
    async load(dir, init, _json, engine) {
      const model = await ViTMAEModel.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward({ ...vitInputs(inputs, kwargs, ['noise']), noise: noiseInput(inputs) })) }));
    },
  },
  ViTMAEForPreTraining: {
    async load(dir, init, _json, engine) {
      const model = await ViTMAEForPreTraining.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward({ ...vitInputs(inputs, kwargs, ['noise']), noise: noiseInput(inputs) })) }));
    },
  },
  ViTMSNModel: {
    async load(dir, init, _json, engine) {
      const model = await ViTMSNModel.fromPretrained(dir, { ...vitInitOptions(init, ['use_mask_token']), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward(vitInputs(inputs, kwargs, ['bool_masked_pos']))) }));
    },
  },
  ViTMSNForImageClassification: {
    async load(dir, init, _json, engine) {
      const model = await ViTMSNForImageClassification.fromPretrained(dir, { ...checkNoInitOptions(init), engine });
      return wrap(model, async (inputs, kwargs) => snakeCase({ ...(await model.forward({ ...vitInputs(inputs, kwargs, ['labels']), labels: inputs.labels ?? null })) }));
    },
  },
};

/** DINOv2's forward has no interpolate_pos_encoding keyword (a case that passes one is refused, as transformers would). */
function noInterpolation<T extends { interpolatePosEncoding?: boolean }>(inputs: T): Omit<T, 'interpolatePosEncoding'> {
  const { interpolatePosEncoding, ...rest } = inputs;
  if (interpolatePosEncoding) throw new Error('DINOv2 models take no interpolate_pos_encoding argument');
  return rest;
}

/** ViTMAE's `noise` input [batch, patches], when the case gives one. */
function noiseInput(inputs: CaseInputs): Tensor | null {
  const noise = inputs.noise;
  if (noise === undefined) return null;
  if (!(noise instanceof Tensor)) throw new Error('noise must be a float tensor');
  return noise;
}
