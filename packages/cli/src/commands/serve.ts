import { DEFAULT_MODEL_NAME } from '@purevit/models';
import type { FlagSpec } from '../args.js';
import { MODEL_FLAG, numberFlag, stringFlag, type Command } from '../command.js';
import { UsageError } from '../errors.js';
import { SERVE_TASKS, type ServeTask } from '../serve/model-runner.js';
import { SERVE_DEFAULTS, type ServeOptions } from '../serve/serve-options.js';
import { startServer } from '../serve/server.js';

const count = (description: string): FlagSpec => ({ type: 'positive-integer', placeholder: '<n>', description });
const millis = (description: string): FlagSpec => ({ type: 'non-negative-integer', placeholder: '<ms>', description });

/** The model's name in /v2/models/<name>: the last path segment of the folder, hub id or bundled package name. */
function defaultName(model: string | undefined): string {
  return (model ?? DEFAULT_MODEL_NAME).split(/[/\\]/).filter((s) => s !== '').pop() ?? 'model';
}

export const serve: Command = {
  name: 'serve',
  summary: 'an HTTP inference server (Hugging Face endpoints, KServe v2, Prometheus metrics)',
  synopsis: 'purevit serve [--model <dir|hub-id>] [--port 8080] [--host 127.0.0.1] [options]',
  description: [
    'Loads one model once and answers HTTP requests until SIGTERM or SIGINT (then it stops accepting,',
    'lets in-flight requests finish and exits):',
    '  POST /  (or /predict, /pipeline/image-classification, /pipeline/feature-extraction): Hugging Face',
    '       Inference Endpoints shapes: the image as the body, or {"inputs": "<base64>", "parameters": {...}}',
    '  GET /v2, /v2/health/live, /v2/health/ready, /v2/models/<name>[/ready]; POST /v2/models/<name>/infer:',
    '       the Open Inference Protocol (KServe v2): BYTES images or FP32 pixel values [n, 3, H, W]',
    '  GET /metrics: Prometheus text format (requests, latency, batch sizes, queue depth, errors)',
    'Concurrent requests are batched into one forward pass (up to --max-batch images, waiting at most',
    '--max-wait-ms); beyond --max-queue waiting images requests get 503 with Retry-After.',
  ].join('\n'),
  flags: {
    model: MODEL_FLAG,
    task: { type: 'string', placeholder: '<task>', description: `${SERVE_TASKS.join(' or ')} (default ${SERVE_DEFAULTS.task}): what POST / answers and the v2 outputs` },
    name: { type: 'string', placeholder: '<name>', description: 'model name in /v2/models/<name> (default: the model folder or repo name)' },
    host: { type: 'string', placeholder: '<address>', description: `address to listen on (default ${SERVE_DEFAULTS.host}; 0.0.0.0 in a container)` },
    port: { type: 'non-negative-integer', placeholder: '<port>', description: `port (default ${SERVE_DEFAULTS.port}; 0: any free port)`, short: 'p' },
    'max-batch': count(`most images per forward pass (default ${SERVE_DEFAULTS.maxBatch}; 1: no batching)`),
    'max-wait-ms': millis(`how long a request waits for others to batch with (default ${SERVE_DEFAULTS.maxWaitMs})`),
    'max-queue': count(`most images waiting; more get 503 + Retry-After (default ${SERVE_DEFAULTS.maxQueue}; also the most per request)`),
    'timeout-ms': count(`per request: receiving it (408) and its result (504) (default ${SERVE_DEFAULTS.timeoutMs})`),
    'max-body-bytes': count(`largest request body (default ${SERVE_DEFAULTS.maxBodyBytes})`),
    'max-pixels': count(`largest image, width x height (default ${SERVE_DEFAULTS.maxPixels})`),
    'drain-timeout-ms': millis(`on SIGTERM, how long in-flight requests may take (default ${SERVE_DEFAULTS.drainTimeoutMs})`),
  },
  async run(args, ctx) {
    if (args.positionals.length > 0) throw new UsageError(`serve takes no arguments, got ${args.positionals.join(' ')}`, ctx.usage);
    const task = stringFlag(args, 'task') ?? SERVE_DEFAULTS.task;
    if (!(SERVE_TASKS as readonly string[]).includes(task)) throw new UsageError(`--task must be ${SERVE_TASKS.join(' or ')}, got ${JSON.stringify(task)}`, ctx.usage);
    const model = stringFlag(args, 'model');
    const options: ServeOptions = {
      model,
      task: task as ServeTask,
      name: stringFlag(args, 'name') ?? defaultName(model),
      host: stringFlag(args, 'host') ?? SERVE_DEFAULTS.host,
      port: numberFlag(args, 'port') ?? SERVE_DEFAULTS.port,
      maxBatch: numberFlag(args, 'max-batch') ?? SERVE_DEFAULTS.maxBatch,
      maxWaitMs: numberFlag(args, 'max-wait-ms') ?? SERVE_DEFAULTS.maxWaitMs,
      maxQueue: numberFlag(args, 'max-queue') ?? SERVE_DEFAULTS.maxQueue,
      timeoutMs: numberFlag(args, 'timeout-ms') ?? SERVE_DEFAULTS.timeoutMs,
      maxBodyBytes: numberFlag(args, 'max-body-bytes') ?? SERVE_DEFAULTS.maxBodyBytes,
      maxPixels: numberFlag(args, 'max-pixels') ?? SERVE_DEFAULTS.maxPixels,
      drainTimeoutMs: numberFlag(args, 'drain-timeout-ms') ?? SERVE_DEFAULTS.drainTimeoutMs,
    };
    if (options.port > 65535) throw new UsageError(`--port must be at most 65535, got ${options.port}`, ctx.usage);
    const log = (line: string): void => void ctx.io.stderr.write(`purevit serve: ${line}\n`);

    const handle = await startServer(options, { log, loadOptions: { onProgress: ctx.progress.download() } });
    log(`listening on ${handle.url}, loading ${model ?? 'the default model'} (${options.task})`);
    let on: (signal: NodeJS.Signals) => void = () => undefined;
    const stop = new Promise<string>((resolve) => {
      on = (signal) => resolve(signal);
      process.once('SIGTERM', on);
      process.once('SIGINT', on);
      handle.ready.then(
        () => {
          ctx.progress.clear();
          log(`ready: model ${options.name} at ${handle.url}/v2/models/${encodeURIComponent(options.name)}`);
        },
        () => resolve('load-failed'),
      );
    });
    const signalled = await stop;
    process.removeListener('SIGTERM', on);
    process.removeListener('SIGINT', on);
    if (signalled === 'load-failed') {
      await handle.shutdown();
      await handle.ready; // rethrows the load error: exit 1 with its message
    }
    log(`${signalled}: no longer accepting; draining in-flight requests`);
    const drained = await handle.shutdown();
    log(drained ? 'stopped' : `stopped: requests still running after ${options.drainTimeoutMs} ms were cut off`);
    return drained ? 0 : 1;
  },
};
