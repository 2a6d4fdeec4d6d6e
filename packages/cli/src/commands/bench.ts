/**
 * `purevit bench [attention|kernels|model]`: the benchmark CLI (also `npm run bench`). Each configuration
 * runs in a fresh Node process (this CLI again, the configuration in an environment variable), so its
 * peak memory is its own; a table by default, timm benchmark.py's fields as JSON with --json / --out.
 */

import { availableParallelism } from 'node:os';
import type { ParsedArgs } from '../args.js';
import { booleanFlag, numberFlag, stringFlag, type Command, type CommandContext } from '../command.js';
import { UsageError } from '../errors.js';
import { writeOutput } from '../output-file.js';
import {
  DEFAULT_ATTENTION_TOKENS, defaultAttentionIterations, formatAttentionResults, runAttentionConfig, type AttentionBenchConfig, type AttentionBenchResult,
} from './bench-attention.js';
import { BENCH_MODELS, benchModelSpec, defaultCacheDir, ensureBenchCheckpoint } from './bench-checkpoint.js';
import { BENCH_BACKENDS, BENCH_SIMD, availableBackends, type BenchBackend, type BenchSimd } from './bench-engine.js';
import { formatKernelsResults, runKernelsConfig, type KernelsBenchConfig, type KernelsBenchResult } from './bench-kernels.js';
import { defaultModelIterations, formatModelResults, runModelConfig, type ModelBenchConfig, type ModelBenchResult } from './bench-model.js';
import { childConfig, machineInfo, parseIntegerList, runInChild, type MachineInfo } from './bench-stats.js';

export const BENCH_KINDS = ['attention', 'kernels', 'model'] as const;
export type BenchKind = (typeof BENCH_KINDS)[number];

/** Flags a child process gets from its parent unchanged (the engine-wide switches of the CLI). */
const FORWARDED_BOOLEAN_FLAGS = ['no-relaxed-simd', 'relaxed-simd'];

export interface BenchReport {
  benchmark: BenchKind;
  machine: MachineInfo;
  /** In a fresh process per configuration (peak memory per configuration), or all in this one. */
  isolation: 'process' | 'none';
  results: AttentionBenchResult[] | KernelsBenchResult[] | ModelBenchResult[];
}

interface BenchOptions {
  backends: BenchBackend[];
  simd: BenchSimd | null;
  threads: number[];
  warmup: number | null;
  iterations: number | null;
  batchSizes: number[] | null;
  models: string[];
  tokens: number[];
  imageSize: number;
  cacheDir: string;
  inProcess: boolean;
  forwarded: string[];
}

function listFlag(args: ParsedArgs, name: string, ctx: CommandContext): number[] | null {
  const text = stringFlag(args, name);
  if (text === undefined) return null;
  const list = parseIntegerList(text);
  if (!list) throw new UsageError(`--${name} must be a comma-separated list of positive integers, got ${JSON.stringify(text)}`, ctx.usage);
  return list;
}

function parseOptions(args: ParsedArgs, ctx: CommandContext): BenchOptions {
  const backend = stringFlag(args, 'backend');
  if (backend !== undefined && !(BENCH_BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend must be ${BENCH_BACKENDS.join(' or ')}, got ${JSON.stringify(backend)}`, ctx.usage);
  }
  const simd = stringFlag(args, 'simd');
  if (simd !== undefined && !(BENCH_SIMD as readonly string[]).includes(simd)) {
    throw new UsageError(`--simd must be ${BENCH_SIMD.join(' or ')}, got ${JSON.stringify(simd)}`, ctx.usage);
  }
  const warmupText = stringFlag(args, 'warmup');
  if (warmupText !== undefined && !/^\d+$/.test(warmupText)) throw new UsageError(`--warmup must be a non-negative integer, got ${JSON.stringify(warmupText)}`, ctx.usage);
  const models = (stringFlag(args, 'models') ?? BENCH_MODELS.map((m) => m.name).join(',')).split(',').map((s) => s.trim());
  for (const m of models) {
    if (!BENCH_MODELS.some((s) => s.name === m)) {
      throw new UsageError(`unknown model ${JSON.stringify(m)} in --models (known: ${BENCH_MODELS.map((s) => s.name).join(', ')})`, ctx.usage);
    }
  }
  const threads = numberFlag(args, 'threads');
  return {
    backends: backend !== undefined ? [backend as BenchBackend] : [availableBackends()[0]],
    // The CLI's global --no-relaxed-simd means plain too.
    simd: simd !== undefined ? (simd as BenchSimd) : args.flags.get('no-relaxed-simd') === true ? 'plain' : null,
    threads: threads !== undefined ? [threads] : [...new Set([1, availableParallelism()])],
    warmup: warmupText !== undefined ? Number(warmupText) : null,
    iterations: numberFlag(args, 'iterations') ?? null,
    batchSizes: listFlag(args, 'batch-sizes', ctx),
    models: [...new Set(models)],
    tokens: listFlag(args, 'tokens', ctx) ?? [...DEFAULT_ATTENTION_TOKENS],
    imageSize: numberFlag(args, 'image-size') ?? 224,
    cacheDir: stringFlag(args, 'cache-dir') ?? defaultCacheDir(),
    inProcess: booleanFlag(args, 'in-process'),
    forwarded: FORWARDED_BOOLEAN_FLAGS.filter((f) => args.flags.get(f) === true).map((f) => `--${f}`),
  };
}

/** Thread counts a backend can use: the plain-TypeScript kernels run on one. */
function threadsFor(backend: BenchBackend, threads: readonly number[]): number[] {
  return backend === 'js' ? [...new Set(threads.map(() => 1))] : [...threads];
}

async function runConfig<C, R>(kind: BenchKind, config: C, options: BenchOptions, inProcess: (c: C) => Promise<R>): Promise<R> {
  return options.inProcess ? inProcess(config) : runInChild<R>(kind, config, options.forwarded);
}

async function benchAttention(options: BenchOptions, tick: () => void): Promise<AttentionBenchResult[]> {
  const configs: AttentionBenchConfig[] = [];
  for (const backend of options.backends) {
    for (const threads of threadsFor(backend, options.threads)) {
      for (const tokens of options.tokens) {
        const defaults = defaultAttentionIterations(tokens, 12, 64);
        for (const impl of ['eager', 'fused'] as const) {
          configs.push({
            tokens, heads: 12, headDim: 64, impl, backend, simd: options.simd, threads,
            warmup: options.warmup ?? defaults.warmup, iterations: options.iterations ?? defaults.iterations,
          });
        }
      }
    }
  }
  return sequential(configs, tick, (c) => runConfig('attention', c, options, runAttentionConfig));
}

async function benchKernels(options: BenchOptions, tick: () => void): Promise<KernelsBenchResult[]> {
  const configs: KernelsBenchConfig[] = [];
  for (const backend of options.backends) {
    for (const threads of threadsFor(backend, options.threads)) {
      configs.push({
        backend, simd: options.simd, threads, rows: (options.batchSizes ?? [1]).map((b) => 197 * b),
        warmup: options.warmup, iterations: options.iterations, shapes: null,
      });
    }
  }
  return (await sequential(configs, tick, (c) => runConfig('kernels', c, options, runKernelsConfig))).flat();
}

async function benchModel(options: BenchOptions, tick: () => void): Promise<ModelBenchResult[]> {
  const configs: ModelBenchConfig[] = [];
  for (const name of options.models) {
    const spec = benchModelSpec(name);
    const checkpoint = await ensureBenchCheckpoint(spec, options.imageSize, options.cacheDir);
    for (const backend of options.backends) {
      for (const threads of threadsFor(backend, options.threads)) {
        for (const batch of options.batchSizes ?? [1, 8]) {
          const defaults = defaultModelIterations(spec, options.imageSize, batch);
          configs.push({
            model: name, dir: checkpoint.dir, weightBytes: checkpoint.weightBytes, imageSize: options.imageSize, batch, backend, simd: options.simd, threads,
            warmup: options.warmup ?? defaults.warmup, iterations: options.iterations ?? defaults.iterations,
          });
        }
      }
    }
  }
  return sequential(configs, tick, (c) => runConfig('model', c, options, runModelConfig));
}

async function sequential<C, R>(configs: readonly C[], tick: () => void, run: (c: C) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const c of configs) {
    results.push(await run(c));
    tick();
  }
  return results;
}

function configCount(kind: BenchKind, o: BenchOptions): number {
  const lanes = o.backends.reduce((n, b) => n + threadsFor(b, o.threads).length, 0);
  if (kind === 'attention') return lanes * o.tokens.length * 2;
  if (kind === 'kernels') return lanes;
  return lanes * o.models.length * (o.batchSizes ?? [1, 8]).length;
}

async function benchmark(kind: BenchKind, options: BenchOptions, ctx: CommandContext): Promise<BenchReport> {
  const machine = machineInfo();
  const total = configCount(kind, options);
  const progress = ctx.progress.items(`bench ${kind}`);
  let done = 0;
  const tick = (): void => progress(++done, total);
  const results = kind === 'attention' ? await benchAttention(options, tick) : kind === 'kernels' ? await benchKernels(options, tick) : await benchModel(options, tick);
  ctx.progress.clear();
  return { benchmark: kind, machine, isolation: options.inProcess ? 'none' : 'process', results };
}

function formatReport(report: BenchReport): string {
  const m = report.machine;
  const header = `purevit bench ${report.benchmark}: ${m.date}, ${m.cpu}, ${m.cores} cores, node ${m.node}, load ${m.loadavg.join(' ')}`;
  const body =
    report.benchmark === 'attention' ? formatAttentionResults(report.results as AttentionBenchResult[])
    : report.benchmark === 'kernels' ? formatKernelsResults(report.results as KernelsBenchResult[])
    : formatModelResults(report.results as ModelBenchResult[]);
  return `${header}\n\n${body}\n`;
}

/** In a child process: run the one configuration in the environment and print its result as JSON. */
async function runChild(kind: BenchKind, config: unknown, ctx: CommandContext): Promise<number> {
  const result =
    kind === 'attention' ? await runAttentionConfig(config as AttentionBenchConfig)
    : kind === 'kernels' ? await runKernelsConfig(config as KernelsBenchConfig)
    : await runModelConfig(config as ModelBenchConfig);
  ctx.io.stdout.write(JSON.stringify(result));
  return 0;
}

export const bench: Command = {
  name: 'bench',
  summary: 'benchmarks: attention (eager vs fused), linear kernels, ViT-Ti/S/B models',
  synopsis: 'purevit bench [attention|kernels|model] [--json] [--threads N] [--backend wasm|js] [--simd relaxed|plain] [--iterations N] [--warmup N] [--models vit_tiny,vit_small,vit_base] [--out file.json]',
  description: [
    'Measures purevit on this machine; without a benchmark name, all three in turn.',
    '  attention  eager vs fused attention on ViT-B heads (12 x 64) at 197, 577, 1025 and 4097 tokens: time and peak memory',
    '  kernels    GFLOP/s of linear on the ViT-B/16 shapes (197 rows per image)',
    '  model      ViT-Ti/16, S/16, B/16 with deterministic random weights (written once as safetensors to the',
    '             cache folder, loaded by fromPretrained): batch-1 latency, batch-8 throughput, peak RSS',
    'Each configuration runs in a fresh process; by default at 1 thread and at all cores. Timings are the median',
    'of --iterations steps after --warmup steps (defaults scale with the work). Fields as timm benchmark.py.',
  ].join('\n'),
  flags: {
    json: { type: 'boolean', description: 'print the report as JSON (timm benchmark.py fields) instead of a table' },
    out: { type: 'string', placeholder: '<file.json>', description: 'also write the JSON report to this file', short: 'o' },
    threads: { type: 'positive-integer', placeholder: '<n>', description: 'run at this thread count only (default: 1 and all cores)' },
    backend: { type: 'string', placeholder: '<wasm|js>', description: 'kernel backend (default: the fastest available)' },
    simd: { type: 'string', placeholder: '<relaxed|plain>', description: 'wasm GEMM: relaxed-SIMD FMA or plain SIMD128 (default: relaxed where available)' },
    iterations: { type: 'positive-integer', placeholder: '<n>', description: 'timed steps per configuration (default: scaled to the work)' },
    warmup: { type: 'string', placeholder: '<n>', description: 'untimed steps before them (default 1 or 2)' },
    models: { type: 'string', placeholder: '<list>', description: 'model: which of vit_tiny,vit_small,vit_base (default all)' },
    'batch-sizes': { type: 'string', placeholder: '<list>', description: 'model: batch sizes (default 1,8); kernels: images of 197 rows (default 1)' },
    'image-size': { type: 'positive-integer', placeholder: '<px>', description: 'model: input size (default 224)' },
    'cache-dir': { type: 'string', placeholder: '<dir>', description: 'model: where the benchmark checkpoints are written once (default <tmp>/purevit-bench)' },
    tokens: { type: 'string', placeholder: '<list>', description: 'attention: sequence lengths (default 197,577,1025,4097)' },
    'in-process': { type: 'boolean', description: 'run every configuration in this process (faster start; peak memory no longer per configuration)' },
  },
  async run(args, ctx) {
    if (args.positionals.length > 1) throw new UsageError(`expected one benchmark name, got ${args.positionals.length}: ${args.positionals.join(' ')}`, ctx.usage);
    const name = args.positionals[0];
    if (name !== undefined && !(BENCH_KINDS as readonly string[]).includes(name)) {
      throw new UsageError(`unknown benchmark ${JSON.stringify(name)} (attention, kernels or model)`, ctx.usage);
    }
    const child = childConfig<unknown>();
    if (child !== null && name !== undefined) return runChild(name as BenchKind, child, ctx);

    const options = parseOptions(args, ctx);
    const kinds: BenchKind[] = name !== undefined ? [name as BenchKind] : [...BENCH_KINDS];
    const reports: BenchReport[] = [];
    for (const kind of kinds) {
      const report = await benchmark(kind, options, ctx);
      reports.push(report);
      if (!booleanFlag(args, 'json')) ctx.io.stdout.write(`${reports.length > 1 ? '\n' : ''}${formatReport(report)}`);
    }
    const json = JSON.stringify(reports.length === 1 ? reports[0] : { benchmark: 'all', reports }, null, 2);
    if (booleanFlag(args, 'json')) ctx.io.stdout.write(`${json}\n`);
    const out = stringFlag(args, 'out');
    if (out !== undefined) await writeOutput(out, new TextEncoder().encode(`${json}\n`));
    return 0;
  },
};
