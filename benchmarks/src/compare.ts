/**
 * ViT-B/16 (224×224, fp32, 1000 classes) on purevit and its peers, back to back in one run, on the same
 * weights (the `purevit bench model` checkpoint) and the same input:
 *   purevit wasm (relaxed-SIMD FMA and plain SIMD128: --simd) and js backends — through `purevit bench model`;
 *   onnxruntime-node (native MLAS) and onnxruntime-web (WASM, in Node) — on an ONNX graph written from the
 *     same safetensors by ./peers/vit-onnx.ts;
 *   TensorFlow.js wasm and cpu — the same network from tf ops (./peers/vit-tfjs.ts);
 *   PyTorch eager (Debian's python3-torch) when python3 can import torch.
 * Every system runs in its own process (so peak RSS is its own), at each thread count it supports. Before
 * timing, each peer's logits are compared with purevit's for the same input: a wrong graph is not a
 * benchmark. Prints one table (median ms per step, ratio to onnxruntime-node at the same threads and
 * batch) and writes the JSON report.
 *
 *   npm run bench:peers        # installs benchmarks/peers (once) and runs this
 *   node benchmarks/dist/compare.js [--threads 1,2] [--batch-sizes 1] [--iterations 5] [--warmup 1]
 *     [--systems purevit-wasm-fma,onnxruntime-node,...] [--tfjs-cpu-iterations 1] [--cache-dir D] [--out f.json]
 */

import { execFile, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tensor } from '@purevit/core';
import { ViTForImageClassification } from '@purevit/models';
import { loadWeights } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
// The benchmark checkpoint and the bench helpers are the CLI's (`purevit bench model` writes the same files).
import { benchModelSpec, benchPixels, defaultCacheDir, ensureBenchCheckpoint } from '../../packages/cli/dist/commands/bench-checkpoint.js';
import { availableBackends } from '../../packages/cli/dist/commands/bench-engine.js';
import { formatTable, machineInfo, median, round } from '../../packages/cli/dist/commands/bench-stats.js';
import type { ModelBenchResult } from '../../packages/cli/dist/commands/bench-model.js';
import { concatParts, modelProto } from './peers/onnx-proto.js';
import { openOrtNode, openOrtWeb, openTfjs, peerVersion, peersInstalled, PEERS_DIR, type PeerRunner } from './peers/peer-runtimes.js';
import { vitOnnxGraph, type VitDims } from './peers/vit-onnx.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI_BIN = join(ROOT, 'packages/cli/bin/purevit.js');
const IMAGE_SIZE = 224;

const SYSTEMS = [
  'purevit-wasm-fma', 'purevit-wasm-plain', 'purevit-js', 'onnxruntime-node', 'onnxruntime-web', 'tfjs-wasm', 'tfjs-cpu', 'pytorch',
] as const;
type System = (typeof SYSTEMS)[number];

interface Row {
  system: System;
  threads: number;
  batch: number;
  warmup: number;
  iterations: number;
  /** Median ms per step (one forward of the batch). */
  step_time: number | null;
  step_time_min: number | null;
  samples_per_sec: number | null;
  /** step_time over onnxruntime-node's at the same threads and batch. */
  vs_onnxruntime_node: number | null;
  load_ms: number | null;
  peak_rss_mb: number | null;
  /** Largest |logit − purevit's logit| on the first image. */
  max_abs_diff: number | null;
  notes: string;
  error?: string;
}

interface ChildTask {
  system: System;
  threads: number;
  batch: number;
  warmup: number;
  iterations: number;
  dir: string;
  onnx: string;
  pixels: string;
  reference: string;
}

interface ChildResult {
  step_time: number;
  step_time_min: number;
  load_ms: number;
  peak_rss_bytes: number;
  max_abs_diff: number | null;
  notes: string;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function list(text: string | undefined, fallback: number[]): number[] {
  return text ? text.split(',').map(Number) : fallback;
}

const DIMS: VitDims = { hidden: 768, layers: 12, heads: 12, mlp: 3072, patch: 16, imageSize: IMAGE_SIZE, classes: 1000, eps: 1e-12 };

async function weightsOf(dir: string): Promise<(name: string) => Float32Array> {
  const map = await loadWeights(await openRepo(dir));
  const loaded = new Map<string, Float32Array>();
  for (const [name, entry] of map) loaded.set(name, await entry.load());
  return (name) => {
    const w = loaded.get(name);
    if (!w) throw new Error(`missing tensor ${name}`);
    return w;
  };
}

/** In a child: open one peer, check its logits, time it, print the result. */
async function child(task: ChildTask): Promise<void> {
  const t0 = performance.now();
  const pixels = new Float32Array((await readFile(task.pixels)).buffer.slice(0));
  let runner: PeerRunner;
  if (task.system === 'onnxruntime-node') runner = await openOrtNode(task.onnx, IMAGE_SIZE, task.threads);
  else if (task.system === 'onnxruntime-web') runner = await openOrtWeb(task.onnx, IMAGE_SIZE, task.threads);
  else if (task.system === 'tfjs-wasm' || task.system === 'tfjs-cpu') {
    runner = await openTfjs(task.system === 'tfjs-wasm' ? 'wasm' : 'cpu', DIMS, await weightsOf(task.dir), task.threads);
  } else throw new Error(`not a peer: ${task.system}`);
  const loadMs = performance.now() - t0;
  const reference = new Float32Array((await readFile(task.reference)).buffer.slice(0));
  const steps: number[] = [];
  let maxDiff = 0;
  for (let i = 0; i < task.warmup + task.iterations; i++) {
    const s = performance.now();
    const logits = await runner.run(pixels, task.batch);
    const ms = performance.now() - s;
    if (i === 0) for (let j = 0; j < reference.length; j++) maxDiff = Math.max(maxDiff, Math.abs(logits[j] - reference[j]));
    if (i >= task.warmup) steps.push(ms);
  }
  await runner.dispose();
  steps.sort((a, b) => a - b);
  const result: ChildResult = {
    step_time: median(steps), step_time_min: steps[0], load_ms: loadMs,
    peak_rss_bytes: process.resourceUsage().maxRSS * 1024, max_abs_diff: maxDiff, notes: runner.notes,
  };
  process.stdout.write(JSON.stringify(result));
}

function runProcess(command: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    p.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err.trim().split('\n').slice(-3).join(' ') || `exit ${code}`))));
  });
}

async function runPurevit(system: System, task: ChildTask, cacheDir: string): Promise<ChildResult & { samples: number }> {
  const backend = system === 'purevit-js' ? 'js' : 'wasm';
  const args = [
    CLI_BIN, 'bench', 'model', '--models', 'vit_base', '--batch-sizes', String(task.batch), '--threads', String(task.threads), '--backend', backend,
    '--iterations', String(task.iterations), '--warmup', String(task.warmup), '--image-size', String(IMAGE_SIZE), '--cache-dir', cacheDir, '--json',
  ];
  if (backend === 'wasm') args.push('--simd', system === 'purevit-wasm-plain' ? 'plain' : 'relaxed');
  const report = JSON.parse(await runProcess(process.execPath, args)) as { results: ModelBenchResult[] };
  const r = report.results[0];
  return {
    step_time: r.step_time, step_time_min: r.step_time_min, load_ms: r.load_ms, peak_rss_bytes: r.peak_rss_mb * 1e6, max_abs_diff: null,
    notes: `purevit ${r.backend}${r.simd ? ` simd ${r.simd}` : ''}, ${r.threads} thread(s), logits sum ${r.logits_sum}`, samples: r.samples_per_sec,
  };
}

/** The first Python that imports torch: $PUREVIT_BENCH_PYTHON, python3 on PATH, Debian's /usr/bin/python3. */
async function findTorchPython(): Promise<string | null> {
  const candidates = [process.env.PUREVIT_BENCH_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => !!c);
  for (const python of candidates) {
    if (await new Promise<boolean>((resolve) => execFile(python, ['-c', 'import torch'], (error) => resolve(!error)))) return python;
  }
  return null;
}

async function runSystem(task: ChildTask, cacheDir: string, python: string | null): Promise<ChildResult> {
  if (task.system.startsWith('purevit')) return runPurevit(task.system, task, cacheDir);
  if (task.system === 'pytorch') {
    // Debian's torch calls the system BLAS (libblas.so.3): the reference BLAS unless OpenBLAS is installed. The
    // OpenMP build of OpenBLAS shares torch's OpenMP threads; the pthread one spins beside them (2 threads slower than 1).
    const openmpBlas = '/usr/lib/x86_64-linux-gnu/openblas-openmp';
    const blas = existsSync(openmpBlas) ? { LD_LIBRARY_PATH: [openmpBlas, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {};
    const out = await runProcess(python ?? 'python3', [
      join(PEERS_DIR, 'torch_vit.py'), '--dir', task.dir, '--threads', String(task.threads), '--batch', String(task.batch),
      '--warmup', String(task.warmup), '--iterations', String(task.iterations), '--pixels', task.pixels, '--reference', task.reference,
    ], { ...process.env, ...blas, OMP_NUM_THREADS: String(task.threads), OPENBLAS_NUM_THREADS: String(task.threads), MKL_NUM_THREADS: String(task.threads) });
    const r = JSON.parse(out) as ChildResult;
    return { ...r, notes: `${r.notes}, ${'LD_LIBRARY_PATH' in blas ? 'OpenBLAS (OpenMP)' : 'system BLAS'}` };
  }
  const self = fileURLToPath(import.meta.url);
  return JSON.parse(await runProcess(process.execPath, [self, '--child', JSON.stringify(task)])) as ChildResult;
}

async function main(): Promise<void> {
  if (!peersInstalled()) throw new Error('the peer runtimes are not installed: run `npm run bench:peers` (npm install --prefix benchmarks/peers)');
  const threads = list(arg('threads'), [1, 2]);
  const batches = list(arg('batch-sizes'), [1]);
  const iterations = Number(arg('iterations') ?? 5);
  const warmup = Number(arg('warmup') ?? 1);
  const cpuIterations = Number(arg('tfjs-cpu-iterations') ?? 1);
  const cacheDir = arg('cache-dir') ?? defaultCacheDir();
  const wanted = (arg('systems')?.split(',') ?? [...SYSTEMS]) as System[];
  for (const s of wanted) if (!SYSTEMS.includes(s)) throw new Error(`unknown system ${s} (${SYSTEMS.join(', ')})`);
  const machine = machineInfo();
  process.stderr.write(`compare: ${machine.cpu}, ${machine.cores} cores, load ${machine.loadavg.join(' ')}\n`);

  // The checkpoint, the input, purevit's logits (the reference), and the ONNX graph of the same weights.
  const spec = benchModelSpec('vit_base');
  const checkpoint = await ensureBenchCheckpoint(spec, IMAGE_SIZE, cacheDir);
  const work = join(cacheDir, 'compare');
  await mkdir(work, { recursive: true });
  const maxBatch = Math.max(...batches);
  const pixelsPath = (b: number): string => join(work, `pixels-${b}.f32`);
  for (const b of batches) {
    const px = benchPixels(maxBatch, IMAGE_SIZE).subarray(0, b * 3 * IMAGE_SIZE * IMAGE_SIZE); // image 0 is the same in every batch
    await writeFile(pixelsPath(b), new Uint8Array(px.buffer, px.byteOffset, px.byteLength));
  }
  const referencePath = join(work, 'reference-logits.f32');
  {
    const model = await ViTForImageClassification.fromPretrained(checkpoint.dir);
    const logits = (await model.forward({ pixelValues: new Tensor(benchPixels(1, IMAGE_SIZE), [1, 3, IMAGE_SIZE, IMAGE_SIZE]) })).logits.data;
    await writeFile(referencePath, new Uint8Array(logits.buffer, logits.byteOffset, logits.byteLength));
    process.stderr.write(`compare: purevit reference logits written (max |logit| ${round(logits.reduce((m, v) => Math.max(m, Math.abs(v)), 0), 4)})\n`);
  }
  const onnxPath = join(checkpoint.dir, 'model.onnx');
  if (!existsSync(onnxPath)) {
    const bytes = concatParts(modelProto(vitOnnxGraph(DIMS, await weightsOf(checkpoint.dir))));
    await writeFile(`${onnxPath}.incomplete`, bytes);
    await (await import('node:fs/promises')).rename(`${onnxPath}.incomplete`, onnxPath);
  }

  const purevitBackends = availableBackends();
  const python = await findTorchPython();
  const rows: Row[] = [];
  for (const batch of batches) {
    for (const system of wanted) {
      for (const t of threads) {
        const base: Omit<Row, 'step_time' | 'step_time_min' | 'samples_per_sec' | 'vs_onnxruntime_node' | 'load_ms' | 'peak_rss_mb' | 'max_abs_diff' | 'notes'> = {
          system, threads: t, batch, warmup: system === 'tfjs-cpu' ? 0 : warmup, iterations: system === 'tfjs-cpu' ? cpuIterations : iterations,
        };
        const skip = (why: string): void => void rows.push({ ...base, step_time: null, step_time_min: null, samples_per_sec: null, vs_onnxruntime_node: null, load_ms: null, peak_rss_mb: null, max_abs_diff: null, notes: why });
        if ((system === 'purevit-js' || system === 'tfjs-cpu') && t > 1) continue; // single-threaded by design
        if ((system === 'tfjs-cpu' || system === 'purevit-js') && batch > 1) continue; // ≈ 40 s / 8 s per image
        if (system.startsWith('purevit-wasm') && !purevitBackends.includes('wasm')) {
          skip('no wasm backend in this build of @purevit/core');
          continue;
        }
        if (system === 'pytorch' && !python) {
          skip('python3 cannot import torch (apt-get install python3-torch)');
          continue;
        }
        const task: ChildTask = { ...base, dir: checkpoint.dir, onnx: onnxPath, pixels: pixelsPath(batch), reference: referencePath };
        process.stderr.write(`compare: ${system} threads=${t} batch=${batch} … `);
        try {
          const r = await runSystem(task, cacheDir, python);
          rows.push({
            ...base, step_time: round(r.step_time, 1), step_time_min: round(r.step_time_min, 1), samples_per_sec: round((batch * 1000) / r.step_time, 2),
            vs_onnxruntime_node: null, load_ms: round(r.load_ms, 0), peak_rss_mb: round(r.peak_rss_bytes / 1e6, 0),
            max_abs_diff: r.max_abs_diff === null ? null : Number(r.max_abs_diff.toExponential(2)), notes: r.notes,
          });
          process.stderr.write(`${round(r.step_time, 1)} ms\n`);
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          skip(`failed: ${message.slice(0, 300)}`);
          rows[rows.length - 1].error = message;
          process.stderr.write(`failed: ${message.slice(0, 200)}\n`);
        }
      }
    }
  }
  for (const r of rows) {
    const ort = rows.find((o) => o.system === 'onnxruntime-node' && o.threads === r.threads && o.batch === r.batch);
    if (r.step_time !== null && ort?.step_time) r.vs_onnxruntime_node = round(r.step_time / ort.step_time, 2);
  }
  // A peer whose logits differ from purevit's by more than float32 rounding of this network is reported, not hidden.
  const tolerance = 1e-3;
  const table = formatTable(
    ['system', 'threads', 'batch', 'iters', 'ms/step', 'min', 'samples/s', 'x ort-node', 'peak RSS (MB)', 'max|Δlogit|', 'notes'],
    rows.map((r) => [
      r.system, r.threads, r.batch, r.iterations, r.step_time, r.step_time_min, r.samples_per_sec, r.vs_onnxruntime_node, r.peak_rss_mb,
      r.max_abs_diff === null ? null : `${r.max_abs_diff}${r.max_abs_diff > tolerance ? ' (MISMATCH)' : ''}`, r.notes,
    ]),
  );
  const versions: Record<string, string> = {};
  for (const p of ['onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm']) versions[p] = peerVersion(p);
  const report = {
    benchmark: 'compare', model: 'vit_base_patch16_224 (ViTForImageClassification, 86.6 M params, fp32, deterministic random weights)',
    img_size: IMAGE_SIZE, machine, load_after: machineInfo().loadavg, versions, logits_tolerance: tolerance, rows,
  };
  const json = JSON.stringify(report, null, 2);
  const out = arg('out') ?? join(ROOT, 'benchmarks/out/compare.json');
  await mkdir(join(out, '..'), { recursive: true });
  writeFileSync(out, `${json}\n`);
  console.log(`ViT-B/16 ${IMAGE_SIZE}x${IMAGE_SIZE} fp32 — ${machine.date}, ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, load ${machine.loadavg.join(' ')} → ${report.load_after.join(' ')}\n`);
  console.log(table);
  console.log(`\nJSON: ${out}`);
}

const i = process.argv.indexOf('--child');
if (i >= 0) await child(JSON.parse(process.argv[i + 1]) as ChildTask);
else await main();
