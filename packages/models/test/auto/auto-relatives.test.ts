import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AutoConfig, AutoModel, BeitConfig, BeitForImageClassification, BeitModel, AutoModelForImageClassification, AutoModelForMaskedImageModeling, AutoModelForPreTraining, DeiTConfig,
  DeiTForImageClassification, DeiTForImageClassificationWithTeacher, DeiTModel, Dinov2Config, Dinov2ForImageClassification, Dinov2Model,
  Dinov2WithRegistersConfig, Dinov2WithRegistersForImageClassification, Dinov2WithRegistersModel, ViTMAEConfig, ViTMAEForPreTraining,
  ViTMAEModel, ViTMSNConfig, ViTMSNForImageClassification, ViTMSNModel, type PretrainedModel,
} from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const golden = (name: string): string => `${ROOT}golden/${name}/model`;

const loaded: PretrainedModel[] = [];
async function keep<M extends PretrainedModel>(model: Promise<M>): Promise<M> {
  const m = await model;
  loaded.push(m);
  return m;
}
afterAll(async () => {
  for (const m of loaded) await m.dispose();
});

describe("the Auto classes know the ViT family's relatives", () => {
  it('AutoConfig picks the config class by model_type (and by architectures without one)', async () => {
    expect(await AutoConfig.fromPretrained(golden('deit_distilled'))).toBeInstanceOf(DeiTConfig);
    expect(await AutoConfig.fromPretrained(golden('dinov2_swiglu'))).toBeInstanceOf(Dinov2Config);
    const reg = await AutoConfig.fromPretrained(golden('dinov2_reg_model'));
    expect(reg).toBeInstanceOf(Dinov2WithRegistersConfig);
    expect((reg as Dinov2WithRegistersConfig).numRegisterTokens).toBe(4);
    expect(await AutoConfig.fromPretrained(golden('vitmae_pretrain'))).toBeInstanceOf(ViTMAEConfig);
    expect(await AutoConfig.fromPretrained(golden('vitmsn_model'))).toBeInstanceOf(ViTMSNConfig);
    expect(await AutoConfig.fromPretrained(golden('beit_model_relpos'))).toBeInstanceOf(BeitConfig);
    expect(AutoConfig.fromDict({ architectures: ['Dinov2Model'] })).toBeInstanceOf(Dinov2Config);
  });

  it('AutoModel builds each backbone', async () => {
    expect(await keep(AutoModel.fromPretrained(golden('deit_model_basic')))).toBeInstanceOf(DeiTModel);
    expect(await keep(AutoModel.fromPretrained(golden('dinov2_model_basic')))).toBeInstanceOf(Dinov2Model);
    expect(await keep(AutoModel.fromPretrained(golden('dinov2_reg_model')))).toBeInstanceOf(Dinov2WithRegistersModel);
    expect(await keep(AutoModel.fromPretrained(golden('vitmae_model')))).toBeInstanceOf(ViTMAEModel);
    expect(await keep(AutoModel.fromPretrained(golden('vitmsn_model')))).toBeInstanceOf(ViTMSNModel);
    expect(await keep(AutoModel.fromPretrained(golden('beit_model_shared_abs_cls')))).toBeInstanceOf(BeitModel);
    // A task checkpoint into the bare model: the head's keys are reported, not read.
    const deit = await keep(AutoModel.fromPretrained(golden('deit_distilled')));
    expect(deit.loadReport.unexpectedKeys.sort()).toEqual([
      'cls_classifier.bias', 'cls_classifier.weight', 'distillation_classifier.bias', 'distillation_classifier.weight',
    ]);
    expect((deit as DeiTModel).pooler).toBeNull();
    expect(deit.loadReport.missingKeys).toEqual(['pooler.dense.weight', 'pooler.dense.bias']);
  });

  it('AutoModelForImageClassification: DeiT by config.architectures (as transformers picks from its two classes), DINOv2, ViTMSN, BEiT', async () => {
    expect(await keep(AutoModelForImageClassification.fromPretrained(golden('deit_distilled')))).toBeInstanceOf(DeiTForImageClassificationWithTeacher);
    expect(await keep(AutoModelForImageClassification.fromPretrained(golden('deit_classifier')))).toBeInstanceOf(DeiTForImageClassification);
    expect(await keep(AutoModelForImageClassification.fromPretrained(golden('dinov2_classifier')))).toBeInstanceOf(Dinov2ForImageClassification);
    expect(await keep(AutoModelForImageClassification.fromPretrained(golden('dinov2_reg_classifier')))).toBeInstanceOf(Dinov2WithRegistersForImageClassification);
    expect(await keep(AutoModelForImageClassification.fromPretrained(golden('vitmsn_classifier')))).toBeInstanceOf(ViTMSNForImageClassification);
    expect(await keep(AutoModelForImageClassification.fromPretrained(golden('beit_classifier')))).toBeInstanceOf(BeitForImageClassification);
  });

  it('AutoModelForPreTraining builds ViTMAEForPreTraining; tasks a family lacks are named', async () => {
    expect(await keep(AutoModelForPreTraining.fromPretrained(golden('vitmae_pretrain')))).toBeInstanceOf(ViTMAEForPreTraining);
    await expect(AutoModelForImageClassification.fromPretrained(golden('vitmae_pretrain'))).rejects.toThrow(/AutoModelForImageClassification has no class for model_type "vit_mae"/);
    await expect(AutoModelForPreTraining.fromPretrained(golden('deit_distilled'))).rejects.toThrow(/AutoModelForPreTraining has no class for model_type "deit"; supported: "vit_mae" \(ViTMAEForPreTraining\)/);
    await expect(AutoModelForMaskedImageModeling.fromPretrained(golden('dinov2_model_basic'))).rejects.toThrow(/has no class for model_type "dinov2"/);
  });
});
