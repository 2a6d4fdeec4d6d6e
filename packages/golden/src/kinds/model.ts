/**
 * Kind "model": build the transformers class named in case.json from `model_dir` with
 * `model_init_kwargs`, run it on the case's inputs with `forward_kwargs`, compare every output.
 * Every case runs on each golden engine that runs models ('js', 'wasm', 'wasm-fma'; see engines.ts), and
 * ViT cases with both attention implementations where both apply (eager only when attentions or a head
 * mask are requested, as transformers falls back to eager there): variants "wasm/fused", "js/eager", …;
 * a model without attention (ResNet) runs once per engine ("wasm").
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Tensor } from '@purevit/core';
import { ViTImageProcessor } from '@purevit/image';
import type { CaseJson, GoldenCase } from '../case.js';
import { IoFile } from '../io.js';
import { judge, skip, type CaseOutcome, type VariantResult } from '../outcome.js';
import { compareTensor, worstRatio, type Comparison } from '../tolerance.js';
import { goldenEngines } from '../engines.js';
import { MODEL_CLASSES, type CaseInputs, type ModelAdapter, type ModelOutputs } from './model-classes.js';
import { RELATIVE_MODEL_CLASSES } from './relative-model-classes.js';

/** Every class the kind can build: ViT and TimmWrapper, then the ViT family's relatives. */
const ADAPTERS: Readonly<Record<string, ModelAdapter>> = { ...MODEL_CLASSES, ...RELATIVE_MODEL_CLASSES };

export async function runModelCase(goldenCase: GoldenCase): Promise<CaseOutcome> {
  const json = goldenCase.json;
  const className = json.class ?? '';
  const adapter = Object.prototype.hasOwnProperty.call(ADAPTERS, className) ? ADAPTERS[className] : undefined;
  if (!adapter) return skip(`class ${className || '(none)'} not supported by this runner yet`);
  if (typeof json.model_dir !== 'string') throw new Error('case.json has no model_dir');

  const io = await IoFile.open(path.join(goldenCase.dir, 'io.safetensors'));
  const inputs = await readInputs(io, json);
  const forwardKwargs = json.forward_kwargs ?? {};
  const eagerOnly = forwardKwargs.output_attentions === true || 'head_mask' in inputs;
  const variants: VariantResult[] = [];
  for (const { label, engine } of (await goldenEngines()).filter((e) => e.models)) {
    const model = await adapter.load(path.resolve(goldenCase.dir, json.model_dir), json.model_init_kwargs ?? {}, json, engine);
    try {
      const implementations = model.implementations ?? (eagerOnly ? ['eager'] : ['eager', 'fused']);
      for (const impl of implementations) {
        model.attnImplementation = impl;
        const outputs = await model.run(inputs, forwardKwargs);
        const comparisons = await compareOutputs(io, json, outputs);
        variants.push({ label: model.implementations ? label : `${label}/${impl}`, comparisons, worstRatio: worstRatio(comparisons) });
      }
    } finally {
      await model.dispose();
    }
  }
  if (json.processor_check) variants.push(await runProcessorCheck(goldenCase, io));
  return judge(variants);
}

/** pixel values the image processor makes from the raw image must equal the case's input (atol 1e-6). */
const PIXEL_VALUES_ATOL = 1e-6;

interface ProcessorCheck {
  processor_config: string;
  image: string;
  pixel_values: string;
}

/**
 * `processor_check` (vit_tiny_224_fp16): the case's pixel_values input is the output of the model
 * folder's preprocessor_config.json applied to a uint8 HWC image; checked with ViTImageProcessor.
 */
async function runProcessorCheck(goldenCase: GoldenCase, io: IoFile): Promise<VariantResult> {
  const check = goldenCase.json.processor_check as ProcessorCheck;
  const config: unknown = JSON.parse(await readFile(path.join(goldenCase.dir, check.processor_config), 'utf8'));
  const [height, width, channels] = io.shape(check.image);
  if (channels !== 3 || io.dtype(check.image) !== 'U8') throw new Error(`processor_check image ${check.image} is not uint8 HWC RGB`);
  const image = { data: (await io.typed(check.image)) as Uint8Array, width, height };
  const actual = ViTImageProcessor.fromConfig(config).preprocessRgb(image);
  const expected = await io.tensor(check.pixel_values);
  const c = compareTensor(`processor_check ${check.pixel_values}`, actual, expected);
  const comparison = { ...c, bound: PIXEL_VALUES_ATOL, ratio: c.problem ? Infinity : c.maxError / PIXEL_VALUES_ATOL };
  return { label: 'processor', comparisons: [comparison], worstRatio: comparison.ratio };
}

/** Forward keyword → value: float tensors as Tensor, I64 as BigInt64Array (labels), BOOL as a 0/1 Tensor. */
async function readInputs(io: IoFile, json: CaseJson): Promise<CaseInputs> {
  const inputs: CaseInputs = {};
  for (const [keyword, name] of Object.entries(json.inputs ?? {})) {
    if (typeof name !== 'string') throw new Error(`input ${keyword} lists several tensors; model inputs are single tensors`);
    inputs[keyword] = io.dtype(name) === 'I64' ? ((await io.typed(name)) as BigInt64Array) : await io.tensor(name);
  }
  return inputs;
}

/** Stored dtypes of exact (index) outputs. */
const INTEGER_DTYPES: readonly string[] = ['I64', 'I32', 'U8', 'BOOL'];

/** Compares every output field of case.json (tuple fields item by item) under the tolerance policy. */
async function compareOutputs(io: IoFile, json: CaseJson, outputs: ModelOutputs): Promise<Comparison[]> {
  const comparisons: Comparison[] = [];
  for (const [field, spec] of Object.entries(json.outputs ?? {})) {
    const actual = outputs[field];
    const names = typeof spec === 'string' ? [spec] : spec;
    const items = actual instanceof Tensor ? [actual] : actual ?? [];
    if (Array.isArray(spec) !== Array.isArray(actual) || items.length !== names.length) {
      const got = actual == null ? 'nothing' : Array.isArray(actual) ? `${actual.length} tensors` : 'one tensor';
      comparisons.push({ name: field, maxError: Infinity, bound: 0, ratio: Infinity, problem: `expected ${names.length} tensor(s), the model returned ${got}` });
      continue;
    }
    for (let i = 0; i < names.length; i++) {
      const expected = await io.tensor(names[i]);
      const c = compareTensor(names[i], items[i], expected, json.fp32_error?.[names[i]] ?? 0, json.expected_max_abs?.[names[i]]);
      // Integer outputs (ViTMAE's ids_restore) must match exactly, not within the float bound.
      const exact = INTEGER_DTYPES.includes(io.dtype(names[i]));
      comparisons.push(exact && !c.problem ? { ...c, bound: 0, ratio: c.maxError === 0 ? 0 : Infinity } : c);
    }
  }
  return comparisons;
}
