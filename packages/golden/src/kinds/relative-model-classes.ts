/**
 * The "model" kind's adapters for the ViT family's relatives (DeiT, DINOv2 with and without registers,
 * ViTMAE, ViTMSN, BEiT), keyed by the transformers class name in case.json, as MODEL_CLASSES does for ViT
 * and TimmWrapper.
 */

import {
  DeiTForImageClassification, DeiTForImageClassificationWithTeacher, DeiTModel, ViTMSNForImageClassification, ViTMSNModel,
} from '@purevit/models';
import { checkNoInitOptions, snakeCase, vitInitOptions, vitInputs, wrap, type ModelAdapter } from './model-classes.js';

export const RELATIVE_MODEL_CLASSES: Record<string, ModelAdapter> = {
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
