import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { memoryRepo } from '@purevit/weights';
import {
  AutoConfig,
  AutoModel,
  AutoModelForImageClassification,
  AutoModelForMaskedImageModeling,
  TimmWrapperConfig,
  TimmWrapperForImageClassification,
  TimmWrapperModel,
  ViTConfig,
  ViTForImageClassification,
  ViTForMaskedImageModeling,
  ViTModel,
} from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const golden = (name: string): string => `${ROOT}golden/${name}/model`;

describe('Auto classes', () => {
  it('AutoConfig picks ViTConfig for model_type "vit"', async () => {
    const config = await AutoConfig.fromPretrained(golden('vit_mim'));
    expect(config).toBeInstanceOf(ViTConfig);
    expect((config as ViTConfig).encoderStride).toBe(8);
  });

  it('each Auto class builds its ViT class', async () => {
    expect(await AutoModel.fromPretrained(golden('vit_model_basic'))).toBeInstanceOf(ViTModel);
    expect(await AutoModelForImageClassification.fromPretrained(`${ROOT}models/fashion-vit-tiny`)).toBeInstanceOf(ViTForImageClassification);
    expect(await AutoModelForMaskedImageModeling.fromPretrained(golden('vit_mim'))).toBeInstanceOf(ViTForMaskedImageModeling);
  });

  it('passes family options through', async () => {
    const model = await AutoModel.fromPretrained(golden('vit_model_nopool'), { addPoolingLayer: false, attnImplementation: 'eager' });
    expect(model).toBeInstanceOf(ViTModel);
    expect((model as ViTModel).pooler).toBeNull();
    expect(model.attnImplementation).toBe('eager');
  });

  it('routes timm-style configs to the timm wrapper, as transformers does', async () => {
    expect(await AutoConfig.fromPretrained(golden('timm_vit_small_model'))).toBeInstanceOf(TimmWrapperConfig);
    expect(await AutoModel.fromPretrained(golden('timm_vit_small_model'))).toBeInstanceOf(TimmWrapperModel);
    expect(AutoConfig.fromDict({ model_type: 'timm_wrapper', architecture: 'resnet18', num_classes: 10 })).toBeInstanceOf(TimmWrapperConfig);
    // The demo model's timm-format twin: a timm hub config.json (no model_type).
    const twin = await AutoModelForImageClassification.fromPretrained(`${ROOT}models/fashion-vit-tiny-timm`);
    expect(twin).toBeInstanceOf(TimmWrapperForImageClassification);
    // transformers has no masked-image-modeling class for timm models.
    await expect(AutoModelForMaskedImageModeling.fromPretrained(`${ROOT}models/fashion-vit-tiny-timm`)).rejects.toThrow(
      /AutoModelForMaskedImageModeling has no class for model_type "timm_wrapper"; supported: "vit" \(ViTForMaskedImageModeling\)/,
    );
  });

  it('names the supported model types for an unknown one', async () => {
    expect(() => AutoConfig.fromDict({ model_type: 'bert' })).toThrow(/unsupported model_type "bert"; supported: "vit" \(ViTModel, ViTForImageClassification, ViTForMaskedImageModeling\)/);
    expect(() => AutoConfig.fromDict({ architectures: ['BertModel'] })).toThrow(/unsupported architecture "BertModel"/);
    expect(() => AutoConfig.fromDict({})).toThrow(/neither model_type nor architectures/);
    await expect(AutoModel.fromRepo(memoryRepo({ 'config.json': '{"model_type": "swin"}' }))).rejects.toThrow(/unsupported model_type "swin"/);
  });

  it('falls back to architectures when model_type is absent', () => {
    expect(AutoConfig.fromDict({ architectures: ['ViTForImageClassification'], hidden_size: 64, num_attention_heads: 2 })).toBeInstanceOf(ViTConfig);
  });
});
