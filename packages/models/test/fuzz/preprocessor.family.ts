// Fuzz family: preprocessor configs — preprocessor_config.json (ViTImageProcessor, current and
// legacy forms) and timm's pretrained_cfg in config.json. A processor that builds and makes small
// images also preprocesses one: its pixel values must have the announced shape and be finite.
import { readFileSync } from 'node:fs';
import { ResizeCropImageProcessor, TimmWrapperImageProcessor } from '@purevit/image';
import { AutoImageProcessor } from '@purevit/models';
import { parseConfigJson } from '@purevit/weights';
import { FuzzCheckError, type FuzzFamily } from '../../../../test-utils/fuzz/family.js';
import { mutateJson, stringifyJson, type Json } from '../../../../test-utils/fuzz/mutators.js';

const ROOT = new URL('../../../../', import.meta.url);
const read = (path: string): Json => JSON.parse(readFileSync(new URL(path, ROOT), 'utf8')) as Json;
const KEYS = ['size', 'crop_size', 'do_center_crop', 'shortest_edge', 'reduce_labels', 'resample', 'do_resize', 'image_mean', 'image_std', 'rescale_factor', 'do_normalize', 'do_rescale', 'image_processor_type', 'feature_extractor_type', 'input_size', 'crop_pct', 'crop_mode', 'interpolation', 'mean', 'std', 'img_size', 'in_chans', 'test_input_size', 'pretrained_cfg'];

interface Input {
  /** preprocessor_config.json text, or undefined for a timm config.json alone. */
  pre: string | undefined;
  model: string;
}

let pres: Json[] = [];
let models: Json[] = [];
const image = { data: new Uint8Array(13 * 9 * 3).map((_, i) => (i * 53) % 256), width: 13, height: 9 };

const family: FuzzFamily<Input> = {
  name: 'preprocessor',
  async setup() {
    pres = [
      read('models/fashion-vit-tiny/preprocessor_config.json'),
      read('golden/vitproc_default/preprocessor_config.json'),
      { feature_extractor_type: 'ViTFeatureExtractor', size: 32, resample: 3, image_mean: [0.5, 0.5, 0.5], image_std: [0.5, 0.5, 0.5], do_normalize: true, do_resize: true },
      { image_processor_type: 'ViTImageProcessor', do_resize: false, rescale_factor: 0.00392156862745098 },
      read('golden/deitproc_pad_crop/preprocessor_config.json'),
      read('golden/bitproc_dinov2/preprocessor_config.json'),
      read('golden/beitproc_hub_legacy/preprocessor_config.json'),
    ];
    models = [read('models/fashion-vit-tiny-timm/config.json'), read('golden/timm_resnet18_small_model/model/config.json'), read('golden/timmproc_border/config.json'), { model_type: 'vit' }];
  },
  input(rng) {
    if (rng.chance(0.5)) {
      return { pre: stringifyJson(mutateJson(rng, rng.pick(pres), KEYS)), model: stringifyJson(rng.pick(models.slice(-1))) };
    }
    const model = rng.pick(models.slice(0, -1)) as { [key: string]: Json };
    const mutated = rng.chance(0.7) ? { ...model, pretrained_cfg: mutateJson(rng, model.pretrained_cfg, KEYS) } : mutateJson(rng, model, KEYS);
    return { pre: undefined, model: stringifyJson(mutated) };
  },
  declaredBytes: (input) => ((input.pre?.length ?? 0) + input.model.length) * 8,
  async run(input) {
    const pre = input.pre === undefined ? undefined : parseConfigJson(input.pre, 'preprocessor_config.json');
    const processor = AutoImageProcessor.fromConfig(pre, parseConfigJson(input.model, 'config.json'), 'fuzz');
    const [h, w] = processor instanceof TimmWrapperImageProcessor
      ? [processor.cropSize.height, processor.cropSize.width]
      : processor instanceof ResizeCropImageProcessor
        ? resizeCropOutput(processor)
        : processor.doResize ? [processor.size.height, processor.size.width] : [image.height, image.width];
    if (processor instanceof TimmWrapperImageProcessor) {
      const [sw, sh] = processor.transform.resizedSize(image.width, image.height);
      if (sw * sh > 256 * 256) return; // a big (but bounded) resize target: built, not run, to keep the run fast
    }
    if (h * w > 256 * 256) return;
    const { pixelValues } = await processor.preprocess(image);
    if (pixelValues.shape.join() !== [1, 3, h, w].join()) throw new FuzzCheckError(`pixel values of shape [${pixelValues.shape.join(', ')}] for a ${h}x${w} processor`);
    for (const v of pixelValues.data) if (!Number.isFinite(v)) throw new FuzzCheckError(`non-finite pixel value ${v}`);
  },
};

/** [height, width] a DeiT / BEiT / BiT processor makes of the fuzz image: the crop, else the resize, else the image. */
function resizeCropOutput(processor: ResizeCropImageProcessor): [number, number] {
  if (processor.doCenterCrop) return [processor.cropSize.height, processor.cropSize.width];
  if (!processor.doResize) return [image.height, image.width];
  const [rw, rh] = processor.resizedSize(image.width, image.height);
  return [rh, rw];
}

export default family;
