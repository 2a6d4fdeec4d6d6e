import { encodePng } from '@purevit/image';
import { heatMapOverlay, pipeline } from '@purevit/models';
import { MODEL_FLAG, booleanFlag, checkImages, modelChoice, requirePositionals, stringFlag, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { writeOutput } from '../output-file.js';

export const attention: Command = {
  name: 'attention',
  summary: "a heat map of where the model's [CLS] token looks",
  synopsis: 'purevit attention <image> --out map.png [--model <dir|hub-id>] [--rollout]',
  description: [
    "Draws the [CLS] token's attention over the image as a PNG heat map (inferno colours, bright = more",
    'attention): by default the last layer with its heads averaged; with --rollout, attention rollout',
    '(Abnar & Zuidema 2020) through all layers. Small images are enlarged to at least 224 pixels.',
  ].join('\n'),
  flags: {
    model: MODEL_FLAG,
    out: { type: 'string', placeholder: '<map.png>', description: 'the PNG file to write (required)', short: 'o' },
    rollout: { type: 'boolean', description: 'attention rollout through all layers instead of the last layer' },
    json: { type: 'boolean', description: 'also print {"image", "out", "method", "grid", "attention"}' },
  },
  async run(args, ctx) {
    const [image] = requirePositionals(args, 'image argument (attention <image>)', ctx, 1);
    const out = stringFlag(args, 'out');
    if (out === undefined) throw new UsageError('missing --out <map.png>', ctx.usage);
    const method = booleanFlag(args, 'rollout') ? 'rollout' : 'last-layer';
    await checkImages([image]);
    const model = await modelChoice(stringFlag(args, 'model'));
    const attend = await pipeline('attention-map', model.source, { onProgress: ctx.progress.download() });
    ctx.progress.clear();
    const map = await attend(image, { method });
    const heat = heatMapOverlay(map.image, map.values, map.grid);
    await writeOutput(out, encodePng(heat));
    if (booleanFlag(args, 'json')) {
      const result = { image, out, method, grid: map.grid, width: heat.width, height: heat.height, attention: Array.from(map.values) };
      ctx.io.stdout.write(`${JSON.stringify(result)}\n`);
    } else {
      const what = method === 'rollout' ? 'attention rollout' : 'last-layer attention';
      ctx.io.stdout.write(`wrote ${out} (${heat.width}x${heat.height}): [CLS] ${what} over a ${map.grid[0]}x${map.grid[1]} patch grid, ${model.display}\n`);
    }
    return 0;
  },
};
