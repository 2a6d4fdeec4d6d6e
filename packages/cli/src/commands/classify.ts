import { pipeline } from '@purevit/models';
import { BATCH_SIZE_FLAG, MODEL_FLAG, booleanFlag, checkImages, modelChoice, numberFlag, requirePositionals, stringFlag, type Command } from '../command.js';

export const classify: Command = {
  name: 'classify',
  summary: 'the top labels of each image, best first',
  synopsis: 'purevit classify <images...> [--model <dir|hub-id>] [--top-k 5] [--json]',
  description: 'Classifies each image (PNG or JPEG path, or URL) with an image-classification model.',
  flags: {
    model: MODEL_FLAG,
    'top-k': { type: 'positive-integer', placeholder: '<k>', description: 'labels per image (default 5)', short: 'k' },
    json: { type: 'boolean', description: 'print [{"image", "predictions": [{"label", "score"}]}]' },
    'batch-size': BATCH_SIZE_FLAG,
  },
  async run(args, ctx) {
    const images = requirePositionals(args, 'image argument (classify <images...>)', ctx);
    const topK = numberFlag(args, 'top-k') ?? 5;
    await checkImages(images);
    const model = await modelChoice(stringFlag(args, 'model'));
    const classifier = await pipeline('image-classification', model.source, { onProgress: ctx.progress.download() });
    ctx.progress.clear();
    const results = await classifier(images, { topK, batchSize: numberFlag(args, 'batch-size'), onProgress: ctx.progress.items('classifying') });
    ctx.progress.clear();
    if (booleanFlag(args, 'json')) {
      const out = images.map((image, n) => ({ image, predictions: results[n].map(({ label, score }) => ({ label, score })) }));
      ctx.io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    }
    const lines: string[] = [];
    images.forEach((image, n) => {
      lines.push(image);
      for (const { label, score } of results[n]) lines.push(`  ${(score * 100).toFixed(2).padStart(6)}%  ${label}`);
    });
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};
