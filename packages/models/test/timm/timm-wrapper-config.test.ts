import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AutoConfig, IMAGENET_1K_LABELS, TimmWrapperConfig, type JsonObject } from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const GOLDEN = `${ROOT}golden/`;

interface TimmCase {
  name: string;
  modelDir: string;
  expected: { architecture: string; model_args: JsonObject | null; num_labels: number; id2label: Record<string, string>; label2id: Record<string, number> | null };
}

async function timmCases(): Promise<TimmCase[]> {
  const names = (await readdir(GOLDEN)).filter((n) => n.startsWith('timm_')).sort();
  return Promise.all(
    names.map(async (name) => {
      const json = JSON.parse(await readFile(`${GOLDEN}${name}/case.json`, 'utf8')) as { model_dir: string; expected_config: TimmCase['expected'] };
      return { name, modelDir: `${GOLDEN}${name}/${json.model_dir}`, expected: json.expected_config };
    }),
  );
}

async function configJson(dir: string): Promise<JsonObject> {
  return JSON.parse(await readFile(`${dir}/config.json`, 'utf8')) as JsonObject;
}

describe('TimmWrapperConfig', () => {
  it("reads every golden timm config.json as transformers' TimmWrapperConfig.from_dict did (expected_config)", async () => {
    const cases = await timmCases();
    expect(cases.length).toBe(19);
    for (const c of cases) {
      const config = TimmWrapperConfig.fromDict(await configJson(c.modelDir));
      expect(config.architecture, c.name).toBe(c.expected.architecture);
      expect(config.modelArgs, c.name).toEqual(c.expected.model_args);
      expect(config.numLabels, c.name).toBe(c.expected.num_labels);
      expect(Object.fromEntries(Object.entries(config.id2label).map(([i, n]) => [String(i), n])), c.name).toEqual(c.expected.id2label);
      expect(config.label2id, c.name).toEqual(c.expected.label2id);
      // And AutoConfig routes the file here (timm hub configs have no model_type).
      expect(AutoConfig.fromDict(await configJson(c.modelDir)), c.name).toBeInstanceOf(TimmWrapperConfig);
    }
  });

  it('names the 1000 ImageNet-1k classes of a 1000-class config without label_names; label2id stays null ("crane" repeats)', async () => {
    const config = TimmWrapperConfig.fromDict(await configJson(`${GOLDEN}timm_resnet50_a1_in1k_cfg/model`));
    expect(config.numLabels).toBe(1000);
    expect(config.id2label[0]).toBe('tench, Tinca tinca');
    expect(config.id2label[134]).toBe('crane');
    expect(config.id2label[517]).toBe('crane');
    expect(config.label2id).toBeNull();
    expect(IMAGENET_1K_LABELS).toHaveLength(1000);
    expect(Object.isFrozen(IMAGENET_1K_LABELS)).toBe(true);
  });

  it('keeps timm fields: pretrained_cfg (without num_classes), num_features, global_pool, label_names, do_pooling', async () => {
    const dict = await configJson(`${ROOT}models/fashion-vit-tiny-timm`);
    const config = TimmWrapperConfig.fromDict(dict);
    expect(config.modelType).toBe('timm_wrapper');
    expect(config.architecture).toBe('vit_tiny_patch16_224');
    expect(config.numFeatures).toBe(96);
    expect(config.globalPool).toBe('token');
    expect(config.doPooling).toBe(true);
    expect(config.labelNames).toEqual(['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot']);
    expect(config.pretrainedCfg).not.toHaveProperty('num_classes');
    expect(config.pretrainedCfg?.input_size).toEqual([3, 28, 28]);
    expect(config.label2id?.Trouser).toBe(1);
    // The caller's dict is not modified.
    expect((dict.pretrained_cfg as JsonObject).num_classes).toBe(10);
    const saved = TimmWrapperConfig.fromDict(await configJson(`${GOLDEN}timm_vit_deit3_hf_saved/model`));
    expect(saved.doPooling).toBe(true);
    expect(saved.initializerRange).toBe(0.02);
    expect(saved.architectures).toEqual(['TimmWrapperForImageClassification']);
  });

  it('writes config.json as transformers does (num_classes and label_names instead of id2label) and reads it back', async () => {
    const config = TimmWrapperConfig.fromDict(await configJson(`${GOLDEN}timm_vit_small_model/model`));
    const dict = config.toDict();
    expect(dict.num_classes).toBe(10);
    expect(dict.label_names).toEqual(['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck']);
    expect(dict).not.toHaveProperty('id2label');
    const again = TimmWrapperConfig.fromDict(dict);
    expect(again.id2label).toEqual(config.id2label);
    expect(again.modelArgs).toEqual(config.modelArgs);
  });

  it('takes caller overrides as transformers takes num_labels / id2label keyword arguments', async () => {
    const dict = await configJson(`${GOLDEN}timm_resnet50_a1_in1k_cfg/model`);
    const five = TimmWrapperConfig.fromDict(dict, { numLabels: 5 });
    expect(five.numLabels).toBe(5);
    expect(five.id2label[0]).toBe('LABEL_0');
    const named = TimmWrapperConfig.fromDict(await configJson(`${GOLDEN}timm_vit_small_model/model`), { numLabels: 2, id2label: { 0: 'no', 1: 'yes' } });
    expect(named.id2label).toEqual({ 0: 'no', 1: 'yes' });
    expect(named.label2id).toEqual({ no: 0, yes: 1 });
    // Python's `num_labels or num_classes`: 0 falls back to the file.
    expect(TimmWrapperConfig.fromDict(dict, { numLabels: 0 }).numLabels).toBe(1000);
    expect(() => TimmWrapperConfig.fromDict(dict, { id2label: { 0: 'a' } })).toThrow(/numLabels 1000 does not match an id2label of 1 entries/);
  });

  it('a 0-class (feature) config has no labels', () => {
    const config = TimmWrapperConfig.fromDict({ architecture: 'vit_small_patch14_dinov2', num_classes: 0, pretrained_cfg: {} });
    expect(config.numLabels).toBe(0);
    expect(config.id2label).toEqual({});
  });

  it('rejects contradictory or malformed fields with messages naming them', () => {
    expect(() => TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 3, label_names: ['a', 'b'] })).toThrow(
      /num_classes 3 does not match the 2 label names/,
    );
    expect(() => TimmWrapperConfig.fromDict({ architecture: 'resnet18' })).toThrow(/no num_classes/);
    expect(() => TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 2, model_args: [1] })).toThrow(/model_args must be an object/);
    expect(() => TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 2, label_names: 'cat' })).toThrow(/label_names must be a list of strings/);
    expect(() => TimmWrapperConfig.fromDict({ architecture: 7, num_classes: 2 })).toThrow(/architecture must be a string/);
    expect(() => TimmWrapperConfig.fromDict({ model_type: 'vit', num_classes: 2 })).toThrow(/model_type "vit"/);
  });

  it('labels with repeated names get no label2id', () => {
    const config = TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 3, label_names: ['a', 'b', 'a'] });
    expect(config.id2label).toEqual({ 0: 'a', 1: 'b', 2: 'a' });
    expect(config.label2id).toBeNull();
  });
});
