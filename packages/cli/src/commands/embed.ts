import { writeSafetensorsFile } from '@purevit/weights/platform';
import { pipeline } from '@purevit/models';
import { BATCH_SIZE_FLAG, MODEL_FLAG, booleanFlag, checkImages, modelChoice, numberFlag, requirePositionals, stringFlag, type Command } from '../command.js';
import { writeError } from '../output-file.js';

export const embed: Command = {
  name: 'embed',
  summary: 'pooled features (embeddings) of each image',
  synopsis: 'purevit embed <images...> [--model <dir|hub-id>] [--out features.safetensors] [--tokens] [--json]',
  description: [
    "Runs the model's backbone on each image and prints its pooled features (the pooler output, or the",
    'final-normed [CLS] token for models without a pooler), one line per image; with --out writes them',
    'to a safetensors file: tensor "features" [images, hidden] (with --tokens [images, tokens, hidden]),',
    'and __metadata__ "images" (a JSON list of the image arguments), "model" and "pooling".',
  ].join('\n'),
  flags: {
    model: MODEL_FLAG,
    out: { type: 'string', placeholder: '<file.safetensors>', description: 'write the features to this safetensors file', short: 'o' },
    tokens: { type: 'boolean', description: 'every token of the last hidden state instead of the pooled vector' },
    json: { type: 'boolean', description: 'print [{"image", "shape", "features"}] (with --out: what was written)' },
    'batch-size': BATCH_SIZE_FLAG,
  },
  async run(args, ctx) {
    const images = requirePositionals(args, 'image argument (embed <images...>)', ctx);
    const out = stringFlag(args, 'out');
    const pool = !booleanFlag(args, 'tokens');
    const json = booleanFlag(args, 'json');
    await checkImages(images);
    const model = await modelChoice(stringFlag(args, 'model'));
    const extractor = await pipeline('image-feature-extraction', model.source, { onProgress: ctx.progress.download() });
    ctx.progress.clear();
    const features = await extractor(images, { pool, batchSize: numberFlag(args, 'batch-size'), onProgress: ctx.progress.items('embedding') });
    ctx.progress.clear();
    const shape = [images.length, ...features[0].shape];

    if (out !== undefined) {
      const data = new Float32Array(features.reduce((n, f) => n + f.size, 0)); // [images, ...feature shape]
      features.forEach((f, n) => data.set(f.data, n * f.size));
      const metadata = { images: JSON.stringify(images), model: model.display, pooling: pool ? 'pooled' : 'tokens' };
      await writeSafetensorsFile(out, { features: { dtype: 'F32', shape, data } }, metadata).catch((e: unknown) => {
        throw writeError(out, e);
      });
      ctx.io.stdout.write(
        json ? `${JSON.stringify({ out, tensor: 'features', shape, dtype: 'F32', images }, null, 2)}\n` : `wrote ${out}: features [${shape.join(', ')}] float32 (${images.length} image${images.length === 1 ? '' : 's'})\n`,
      );
      return 0;
    }
    if (json) {
      const rows = images.map((image, n) => ({ image, shape: features[n].shape, features: Array.from(features[n].data) }));
      ctx.io.stdout.write(`${JSON.stringify(rows)}\n`);
      return 0;
    }
    const lines = images.map((image, n) => `${image}\t[${features[n].shape.join(', ')}]\t${Array.from(features[n].data, (v) => String(v)).join(' ')}`);
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
