import { writeSafetensorsFile } from '@purevit/weights/platform';
import { pipeline, type ImageFeatureExtractionPipeline } from '@purevit/models';
import { BATCH_SIZE_FLAG, MODEL_FLAG, booleanFlag, modelChoice, numberFlag, stringFlag, type Command, type CommandContext } from '../command.js';
import { UsageError } from '../errors.js';
import { FEATURE_FORMATS, FeatureParts, type FeatureFormat } from '../jobs/feature-parts.js';
import { JOB_FLAGS, jobInputs } from '../jobs/job-inputs.js';
import { runBatches } from '../jobs/run-batches.js';
import type { Shard } from '../jobs/shard.js';
import { writeError } from '../output-file.js';

interface PartsJob {
  dir: string;
  format: FeatureFormat;
  partSize: number;
  shard: Shard | undefined;
  resume: boolean;
  model: string;
  pool: boolean;
  batchSize: number;
}

/** --out-dir: features streamed into atomically written part files, resumable. Returns the exit code. */
async function embedToParts(job: PartsJob, inputs: readonly string[], extractor: ImageFeatureExtractionPipeline, ctx: CommandContext): Promise<number> {
  const done = new Set<string>();
  const parts = await FeatureParts.open({ ...job, pooling: job.pool ? 'pooled' : 'tokens' }, done).catch((e: unknown) => {
    throw (e as { code?: unknown }).code ? writeError(job.dir, e) : e;
  });
  const todo = inputs.filter((i) => !done.has(i));
  try {
    const failed = await runBatches({
      inputs: todo,
      batchSize: job.batchSize,
      compute: (images) => extractor(images, { pool: job.pool, batchSize: images.length }),
      write: async (outcomes) => {
        for (const o of outcomes) if ('result' in o) await parts.add(o.image, o.result.data, o.result.shape);
        await parts.addErrors(outcomes.filter((o) => 'error' in o));
      },
      onProgress: ctx.progress.items('embedding'),
    });
    await parts.close();
    ctx.progress.clear();
    const skipped = inputs.length - todo.length;
    ctx.io.stdout.write(`wrote features of ${todo.length - failed} image${todo.length - failed === 1 ? '' : 's'} to ${job.dir} (${parts.written} part${parts.written === 1 ? '' : 's'})${skipped > 0 ? `, ${skipped} already there` : ''}\n`);
    if (failed > 0) throw new Error(`${failed} of ${todo.length} images failed; see the .errors.jsonl file in ${job.dir}`);
    return 0;
  } catch (e) {
    await parts.close().catch(() => undefined);
    throw e;
  }
}

export const embed: Command = {
  name: 'embed',
  summary: 'pooled features (embeddings) of each image',
  synopsis: 'purevit embed <images|folders|globs...> [--manifest list.txt] [--model <dir|hub-id>] [--out features.safetensors | --out-dir <dir> [--format safetensors|npy] [--shard i/n] [--resume]] [--tokens] [--json]',
  description: [
    "Runs the model's backbone on each image and prints its pooled features (the pooler output, or the",
    'final-normed [CLS] token for models without a pooler), one line per image; with --out writes them',
    'to a safetensors file: tensor "features" [images, hidden] (with --tokens [images, tokens, hidden]),',
    'and __metadata__ "images" (a JSON list of the image arguments), "model" and "pooling".',
    'With --out-dir, features are streamed into part files of --part-size images as they complete',
    '(part-000000.safetensors, …, or .npy with a .images.json list beside each), each written atomically;',
    '--resume continues a killed job, --shard i/n takes slice i of n of the input list (parts then named',
    'part-0000i-of-0000n-*), and images that cannot be read are listed in <prefix>.errors.jsonl.',
  ].join('\n'),
  flags: {
    model: MODEL_FLAG,
    out: { type: 'string', placeholder: '<file.safetensors>', description: 'write the features to this safetensors file', short: 'o' },
    'out-dir': { type: 'string', placeholder: '<dir>', description: 'stream the features into part files in this folder' },
    format: { type: 'string', placeholder: '<safetensors|npy>', description: 'format of the --out-dir parts (default safetensors)' },
    'part-size': { type: 'positive-integer', placeholder: '<n>', description: 'images per --out-dir part (default 1024)' },
    ...JOB_FLAGS,
    tokens: { type: 'boolean', description: 'every token of the last hidden state instead of the pooled vector' },
    json: { type: 'boolean', description: 'print [{"image", "shape", "features"}] (with --out: what was written)' },
    'batch-size': BATCH_SIZE_FLAG,
  },
  async run(args, ctx) {
    const out = stringFlag(args, 'out');
    const outDir = stringFlag(args, 'out-dir');
    const resume = booleanFlag(args, 'resume');
    const format = stringFlag(args, 'format') ?? 'safetensors';
    if (out !== undefined && outDir !== undefined) throw new UsageError('--out writes one file, --out-dir streams parts: choose one', ctx.usage);
    if (resume && outDir === undefined) throw new UsageError('--resume needs --out-dir (the folder the job writes its parts to)', ctx.usage);
    if (!(FEATURE_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${FEATURE_FORMATS.join(' or ')}, got ${JSON.stringify(format)}`, ctx.usage);
    if (outDir === undefined && (args.flags.has('format') || args.flags.has('part-size'))) throw new UsageError('--format and --part-size go with --out-dir', ctx.usage);
    const { inputs: images, shard } = await jobInputs(args, ctx, 'image argument (embed <images...>)');
    const pool = !booleanFlag(args, 'tokens');
    const json = booleanFlag(args, 'json');
    const batchSize = numberFlag(args, 'batch-size') ?? 8;
    const model = await modelChoice(stringFlag(args, 'model'));
    const extractor = await pipeline('image-feature-extraction', model.source, { onProgress: ctx.progress.download() });
    ctx.progress.clear();
    if (outDir !== undefined) {
      const job = { dir: outDir, format: format as FeatureFormat, partSize: numberFlag(args, 'part-size') ?? 1024, shard, resume, model: model.display, pool, batchSize };
      return embedToParts(job, images, extractor, ctx);
    }
    if (images.length === 0) throw new Error('this shard of the input list is empty: nothing to write (use --out-dir for sharded jobs)');
    const features = await extractor(images, { pool, batchSize, onProgress: ctx.progress.items('embedding') });
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
