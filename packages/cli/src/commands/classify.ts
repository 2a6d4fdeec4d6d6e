import { pipeline, type ClassificationResult, type ImageClassificationPipeline } from '@purevit/models';
import { BATCH_SIZE_FLAG, MODEL_FLAG, booleanFlag, modelChoice, numberFlag, stringFlag, type Command, type CommandContext } from '../command.js';
import { UsageError } from '../errors.js';
import { JOB_FLAGS, jobInputs } from '../jobs/job-inputs.js';
import { JsonlFile } from '../jobs/jsonl-file.js';
import { runBatches } from '../jobs/run-batches.js';
import { writeError } from '../output-file.js';

/** --out: results appended to a JSON Lines file batch by batch, resumable. Returns the exit code. */
async function classifyToFile(out: string, inputs: readonly string[], classifier: ImageClassificationPipeline, topK: number, batchSize: number, resume: boolean, ctx: CommandContext): Promise<number> {
  const done = new Set<string>();
  const file = await JsonlFile.open(out, resume, (record) => done.add((record as { image: string }).image)).catch((e: unknown) => {
    throw (e as { code?: unknown }).code ? writeError(out, e) : e;
  });
  const todo = inputs.filter((i) => !done.has(i));
  try {
    const failed = await runBatches<ClassificationResult[]>({
      inputs: todo,
      batchSize,
      compute: (images) => classifier(images, { topK, batchSize: images.length }),
      write: (outcomes) => file.append(outcomes.map((o) => ('result' in o ? { image: o.image, predictions: o.result.map(({ label, score }) => ({ label, score })) } : o))),
      onProgress: ctx.progress.items('classifying'),
    });
    ctx.progress.clear();
    const skipped = inputs.length - todo.length;
    ctx.io.stdout.write(`wrote ${todo.length - failed} result${todo.length - failed === 1 ? '' : 's'} to ${out}${skipped > 0 ? ` (${skipped} already there)` : ''}${failed > 0 ? `, ${failed} error record${failed === 1 ? '' : 's'}` : ''}\n`);
    if (failed > 0) throw new Error(`${failed} of ${todo.length} images failed; their "error" lines are in ${out}`);
    return 0;
  } finally {
    await file.close();
  }
}

export const classify: Command = {
  name: 'classify',
  summary: 'the top labels of each image, best first',
  synopsis: 'purevit classify <images|folders|globs...> [--manifest list.txt] [--model <dir|hub-id>] [--top-k 5] [--json | --out results.jsonl [--shard i/n] [--resume]]',
  description: [
    'Classifies each image (PNG or JPEG path, or URL; folders are searched for PNG/JPEG files, quoted globs',
    'expanded, both sorted) with an image-classification model. With --out, results are appended to a JSON',
    'Lines file as each batch completes ({"image", "predictions": [{"label", "score"}]} per line; an image',
    'that cannot be read gets {"image", "error"}); --resume continues a killed job without losing or',
    'repeating a line, and --shard i/n takes slice i of n of the input list (for Kubernetes Indexed Jobs,',
    'Slurm arrays or GNU parallel).',
  ].join('\n'),
  flags: {
    model: MODEL_FLAG,
    'top-k': { type: 'positive-integer', placeholder: '<k>', description: 'labels per image (default 5)', short: 'k' },
    json: { type: 'boolean', description: 'print [{"image", "predictions": [{"label", "score"}]}]' },
    out: { type: 'string', placeholder: '<file.jsonl>', description: 'append one JSON line per image to this file as batches complete', short: 'o' },
    ...JOB_FLAGS,
    'batch-size': BATCH_SIZE_FLAG,
  },
  async run(args, ctx) {
    const out = stringFlag(args, 'out');
    const resume = booleanFlag(args, 'resume');
    if (resume && out === undefined) throw new UsageError('--resume needs --out (the file the job appends to)', ctx.usage);
    if (out !== undefined && booleanFlag(args, 'json')) throw new UsageError('--json prints results; --out writes them as JSON lines: choose one', ctx.usage);
    const { inputs: images } = await jobInputs(args, ctx, 'image argument (classify <images...>)');
    const topK = numberFlag(args, 'top-k') ?? 5;
    const batchSize = numberFlag(args, 'batch-size') ?? 8;
    const model = await modelChoice(stringFlag(args, 'model'));
    const classifier = await pipeline('image-classification', model.source, { onProgress: ctx.progress.download() });
    ctx.progress.clear();
    if (out !== undefined) return classifyToFile(out, images, classifier, topK, batchSize, resume, ctx);
    if (images.length === 0) {
      if (booleanFlag(args, 'json')) ctx.io.stdout.write('[]\n'); // an empty shard
      return 0;
    }
    const results = await classifier(images, { topK, batchSize, onProgress: ctx.progress.items('classifying') });
    ctx.progress.clear();
    if (booleanFlag(args, 'json')) {
      const rows = images.map((image, n) => ({ image, predictions: results[n].map(({ label, score }) => ({ label, score })) }));
      ctx.io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
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
