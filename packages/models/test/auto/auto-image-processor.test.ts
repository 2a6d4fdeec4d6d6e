import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BeitImageProcessor, BitImageProcessor, DeiTImageProcessor, TimmWrapperImageProcessor, ViTImageProcessor } from '@purevit/image';
import { AutoImageProcessor, MODEL_FAMILIES, PENDING_FAMILIES, imageProcessorFor } from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GOLDEN = `${ROOT}golden/`;
const MODELS = `${ROOT}models/`;

describe('AutoImageProcessor.fromPretrained picks the processor from a model folder', () => {
  it('preprocessor_config.json with image_processor_type → ViT', async () => {
    const p = await AutoImageProcessor.fromPretrained(`${MODELS}fashion-vit-tiny`);
    expect(p).toBeInstanceOf(ViTImageProcessor);
    expect((p as ViTImageProcessor).size).toEqual({ height: 28, width: 28 });
  });

  it('legacy ViTFeatureExtractor config → ViT with size 224 and the ViT defaults', async () => {
    const p = (await AutoImageProcessor.fromPretrained(`${GOLDEN}vit_tiny_224_fp16/model`)) as ViTImageProcessor;
    expect(p).toBeInstanceOf(ViTImageProcessor);
    expect({ size: p.size, resample: p.resample, doRescale: p.doRescale, rescaleFactor: p.rescaleFactor }).toEqual({
      size: { height: 224, width: 224 },
      resample: 'bilinear',
      doRescale: true,
      rescaleFactor: 1 / 255,
    });
  });

  it('timm config.json with pretrained_cfg → TimmWrapper', async () => {
    const p = (await AutoImageProcessor.fromPretrained(`${MODELS}fashion-vit-tiny-timm`)) as TimmWrapperImageProcessor;
    expect(p).toBeInstanceOf(TimmWrapperImageProcessor);
    expect(p.architecture).toBe('vit_tiny_patch16_224');
    expect(p.inputSize).toEqual([3, 28, 28]);
    expect(p.size).toEqual({ shortestEdge: 28 });
    const r = (await AutoImageProcessor.fromPretrained(`${GOLDEN}timm_resnet50_a1_in1k_cfg/model`)) as TimmWrapperImageProcessor;
    expect(r).toBeInstanceOf(TimmWrapperImageProcessor);
  });

  it('a transformers config.json without preprocessor_config.json is an error (as in transformers)', async () => {
    await expect(AutoImageProcessor.fromPretrained(`${GOLDEN}vit_model_basic/model`)).rejects.toThrow(/no preprocessor_config.json/);
  });

  it('a folder with neither config is a clear error', async () => {
    await expect(AutoImageProcessor.fromPretrained(`${GOLDEN}pil_resize`)).rejects.toThrow(/neither preprocessor_config.json nor config.json/);
  });

  it('unsupported processor types and model types are named in the error', () => {
    expect(() => AutoImageProcessor.fromConfig({ image_processor_type: 'SiglipImageProcessor' })).toThrow(/SiglipImageProcessor is not supported/);
    expect(() => AutoImageProcessor.fromConfig({ do_resize: true }, { model_type: 'clip' })).toThrow(/model_type clip/);
    expect(() => AutoImageProcessor.fromConfig(undefined, { model_type: 'vit' })).toThrow(/no preprocessor_config.json/);
    expect(() => TimmWrapperImageProcessor.fromConfig({ architecture: 'resnet50' })).toThrow(/no pretrained_cfg/);
  });
});

describe('one registry for model classes and image processors', () => {
  it("names transformers' image processor for each model_type (IMAGE_PROCESSOR_MAPPING)", () => {
    const expected: Record<string, string> = {
      vit: 'ViTImageProcessor', timm_wrapper: 'TimmWrapperImageProcessor', vit_mae: 'ViTImageProcessor', vit_msn: 'ViTImageProcessor',
      dinov2: 'BitImageProcessor', vit_hybrid: 'ViTHybridImageProcessor', deit: 'DeiTImageProcessor', beit: 'BeitImageProcessor', bit: 'BitImageProcessor',
    };
    for (const [modelType, className] of Object.entries(expected)) expect(imageProcessorFor(modelType)?.className, modelType).toBe(className);
    expect(imageProcessorFor('clip')).toBeNull();
    const types = [...MODEL_FAMILIES, ...PENDING_FAMILIES].map((f) => f.modelType);
    expect(new Set(types).size).toBe(types.length);
  });

  it('builds the processor by model_type, and refuses one not implemented yet instead of substituting another', () => {
    const pre = { do_resize: true, size: { height: 224, width: 224 } };
    expect(AutoImageProcessor.fromConfig(pre, { model_type: 'vit' })).toBeInstanceOf(ViTImageProcessor);
    expect(AutoImageProcessor.fromConfig(pre, { model_type: 'vit_msn' })).toBeInstanceOf(ViTImageProcessor);
    expect(AutoImageProcessor.fromConfig(pre, { model_type: 'dinov2' })).toBeInstanceOf(BitImageProcessor);
    expect(AutoImageProcessor.fromConfig(pre, { model_type: 'deit' })).toBeInstanceOf(DeiTImageProcessor);
    expect(AutoImageProcessor.fromConfig(pre, { model_type: 'beit' })).toBeInstanceOf(BeitImageProcessor);
    // transformers' IMAGE_PROCESSOR_MAPPING has no dinov2_with_registers entry: its repos name the class.
    expect(() => AutoImageProcessor.fromConfig(pre, { model_type: 'dinov2_with_registers' })).toThrow(/no image processor known for model_type dinov2_with_registers/);
    expect(() => AutoImageProcessor.fromConfig(pre, { model_type: 'vit_hybrid' })).toThrow(/ViTHybridImageProcessor is not supported yet/);
    expect(AutoImageProcessor.fromConfig({ image_processor_type: 'BitImageProcessor' })).toBeInstanceOf(BitImageProcessor);
    expect(AutoImageProcessor.fromConfig({ image_processor_type: 'BitImageProcessorFast' })).toBeInstanceOf(BitImageProcessor);
    expect(AutoImageProcessor.fromConfig({ feature_extractor_type: 'DeiTFeatureExtractor' })).toBeInstanceOf(DeiTImageProcessor);
    expect(AutoImageProcessor.fromConfig({ feature_extractor_type: 'BeitFeatureExtractor', reduce_labels: true })).toBeInstanceOf(BeitImageProcessor);
    expect(() => AutoImageProcessor.fromConfig({ image_processor_type: 'SamImageProcessor' })).toThrow(/SamImageProcessor is not supported \(supported: ViTImageProcessor/);
  });

  it('picks the class of every golden processor case from its configs', () => {
    const index = JSON.parse(readFileSync(`${GOLDEN}index.json`, 'utf8')) as Array<{ name: string; kind: string; class: string }>;
    const classes: Record<string, unknown> = { ViTImageProcessor, DeiTImageProcessor, BeitImageProcessor, BitImageProcessor };
    const cases = index.filter((c) => c.kind === 'image_processor' && (c.class in classes || c.class === 'TimmWrapperImageProcessor'));
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      const json = (file: string): unknown => JSON.parse(readFileSync(`${GOLDEN}${c.name}/${file}`, 'utf8'));
      if (c.class === 'TimmWrapperImageProcessor') expect(AutoImageProcessor.fromConfig(undefined, json('config.json')), c.name).toBeInstanceOf(TimmWrapperImageProcessor);
      else expect(AutoImageProcessor.fromConfig(json('preprocessor_config.json')), c.name).toBeInstanceOf(classes[c.class]);
    }
  });
});
