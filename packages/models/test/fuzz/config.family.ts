// Fuzz family: config.json. Seeds are the configs of small real checkpoints (HF ViT, timm ViT, timm ResNet, DeiT,
// DINOv2 with and without registers, ViTMSN, BEiT); mutations replace values with absurd sizes, wrong types, long strings and deep nesting.
// Every input is parsed as the loaders parse it (AutoConfig, timm architecture arguments, the timm
// processor from pretrained_cfg); one in eight that parses also builds the model on the seed's
// weights and classifies an image, which must give finite scores or a typed error.
import { readFileSync } from 'node:fs';
import {
  AutoConfig,
  AutoImageProcessor,
  AutoModelForImageClassification,
  imageClassificationPipeline,
  parseTimmResNetArgs,
  parseTimmViTArgs,
  resolveArchitecture,
  TimmWrapperConfig,
  type ImageClassificationModel,
} from '@purevit/models';
import { CONFIG_BOUNDS, memoryRepo, parseConfigJson } from '@purevit/weights';
import { FuzzCheckError, type FuzzFamily } from '../../../../test-utils/fuzz/family.js';
import { mutateBytes, mutateJson, stringifyJson, type Json } from '../../../../test-utils/fuzz/mutators.js';

const ROOT = new URL('../../../../', import.meta.url);
const MODELS = [
  'golden/vit_classifier/model/', 'golden/timm_vit_small_model/model/', 'golden/timm_resnet18_small_model/model/', 'models/fashion-vit-tiny/',
  'golden/deit_distilled/model/', 'golden/dinov2_classifier/model/', 'golden/dinov2_reg_classifier/model/', 'golden/vitmsn_classifier/model/',
  'golden/beit_classifier/model/',
];
/** What the hub repos of the families whose golden folders carry no preprocessor_config.json would (sized to the checkpoints). */
const PREPROCESSORS: Readonly<Record<string, object>> = {
  'golden/deit_distilled/model/': { image_processor_type: 'DeiTImageProcessor', size: 36, crop_size: 32 },
  'golden/dinov2_classifier/model/': { image_processor_type: 'BitImageProcessor', size: { shortest_edge: 32 }, crop_size: 32 },
  'golden/dinov2_reg_classifier/model/': { image_processor_type: 'BitImageProcessor', size: { shortest_edge: 32 }, crop_size: 32 },
  'golden/vitmsn_classifier/model/': { image_processor_type: 'ViTImageProcessor', size: 32 },
  'golden/beit_classifier/model/': { image_processor_type: 'BeitImageProcessor', size: 48, crop_size: 48 },
};
const KEYS = ['use_relative_position_bias', 'use_shared_relative_position_bias', 'use_absolute_position_embeddings', 'use_mean_pooling', 'layer_scale_init_value', 'mlp_ratio', 'use_swiglu_ffn', 'num_register_tokens', 'layerscale_value', 'use_mask_token', 'qkv_bias', 'num_labels', 'id2label', 'label2id', 'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'layer_norm_eps', 'image_size', 'patch_size', 'num_channels', 'hidden_act', 'problem_type', 'architectures', 'model_type', 'num_classes', 'model_args', 'pretrained_cfg', 'label_names', 'architecture', 'pooler_output_size', 'encoder_stride'];

interface Seed {
  config: Json;
  weights: Uint8Array;
  preprocessor: string | undefined;
}

interface Input {
  seed: number;
  text: string;
  /** Also build the model and classify an image. */
  forward: boolean;
}

let seeds: Seed[] = [];
const image = { data: new Uint8Array(13 * 9 * 3).map((_, i) => (i * 37) % 256), width: 13, height: 9 };

const family: FuzzFamily<Input> = {
  name: 'config',
  async setup() {
    seeds = MODELS.map((dir) => {
      const read = (f: string): string | undefined => {
        try {
          return readFileSync(new URL(dir + f, ROOT), 'utf8');
        } catch {
          return undefined;
        }
      };
      const preprocessor = dir in PREPROCESSORS ? JSON.stringify(PREPROCESSORS[dir]) : read('preprocessor_config.json');
      return { config: JSON.parse(read('config.json')!) as Json, weights: new Uint8Array(readFileSync(new URL(`${dir}model.safetensors`, ROOT))), preprocessor };
    });
  },
  input(rng, index) {
    const seed = rng.int(seeds.length);
    let text = stringifyJson(mutateJson(rng, seeds[seed].config, KEYS));
    if (rng.chance(0.05)) text = new TextDecoder().decode(mutateBytes(rng, new TextEncoder().encode(text)));
    return { seed, text, forward: index % 8 === 0 };
  },
  declaredBytes: (input) => input.text.length * 8 + (input.forward ? seeds[input.seed].weights.length * 8 : 0),
  async run(input) {
    const dict = parseConfigJson(input.text, 'config.json') as Record<string, unknown>;
    const config = AutoConfig.fromDict(dict as never);
    if (!(config.numLabels >= 0 && config.numLabels <= CONFIG_BOUNDS.labels.max)) throw new FuzzCheckError(`numLabels ${config.numLabels}`);
    if (typeof config.labelOf(0) !== 'string') throw new FuzzCheckError('labelOf(0) is not a string');
    if (config instanceof TimmWrapperConfig) {
      const arch = resolveArchitecture(config.architecture, config.modelArgs);
      if (arch.family === 'vision_transformer') parseTimmViTArgs(arch.args, arch.name);
      else parseTimmResNetArgs(arch.args, arch.name);
    }
    if (!input.forward) return;
    const seed = seeds[input.seed];
    const processor = AutoImageProcessor.fromConfig(seed.preprocessor === undefined ? undefined : JSON.parse(seed.preprocessor), dict);
    const repo = memoryRepo({ 'config.json': input.text, 'model.safetensors': seed.weights });
    const model = (await AutoModelForImageClassification.fromRepo(repo, {})) as ImageClassificationModel;
    try {
      const results = await imageClassificationPipeline(model, processor)(image, { topK: 3 });
      for (const r of results) if (!Number.isFinite(r.score) || typeof r.label !== 'string') throw new FuzzCheckError(`score ${r.score} for ${r.label}`);
    } finally {
      await model.dispose();
    }
  },
};

export default family;
