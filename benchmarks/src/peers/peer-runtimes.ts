/**
 * The peer runtimes, loaded from benchmarks/peers/node_modules (installed on demand by `npm run bench:peers`,
 * never a dependency of purevit): onnxruntime-node, onnxruntime-web (WASM, in Node), TensorFlow.js with its
 * cpu and wasm backends. Typed here by the little this benchmark uses, so the sources compile without them.
 * Each `open*` returns a runner `(pixels, batch) → logits` plus what the runtime reports about itself.
 */

import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Tf } from './vit-tfjs.js';
import { TfjsVit } from './vit-tfjs.js';
import type { VitDims } from './vit-onnx.js';

export const PEERS_DIR = fileURLToPath(new URL('../../peers/', import.meta.url));

export function peersInstalled(): boolean {
  return existsSync(`${PEERS_DIR}node_modules/onnxruntime-node/package.json`);
}

const requirePeer = createRequire(`${PEERS_DIR}package.json`);

export function peerVersion(name: string): string {
  // Read directly: some packages' `exports` do not list package.json.
  return (JSON.parse(readFileSync(`${PEERS_DIR}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
}

interface OrtTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}
interface OrtSession {
  run(feeds: Record<string, OrtTensor>): Promise<Record<string, OrtTensor>>;
  release?(): Promise<void>;
}
interface Ort {
  Tensor: new (type: 'float32', data: Float32Array, dims: number[]) => OrtTensor;
  InferenceSession: { create(model: string | Uint8Array, options?: Record<string, unknown>): Promise<OrtSession> };
  env: { wasm: { numThreads?: number; simd?: boolean }; versions?: Record<string, string>; logLevel?: string };
}

export interface PeerRunner {
  run(pixels: Float32Array, batch: number): Promise<Float32Array>;
  /** What the runtime says it uses (threads, backend), for the notes column. */
  notes: string;
  dispose(): Promise<void>;
}

function ortRunner(ort: Ort, session: OrtSession, imageSize: number, notes: string): PeerRunner {
  return {
    async run(pixels, batch) {
      const out = await session.run({ pixel_values: new ort.Tensor('float32', pixels, [batch, 3, imageSize, imageSize]) });
      return out.logits.data;
    },
    notes,
    dispose: async () => void (await session.release?.()),
  };
}

/** onnxruntime-node (native MLAS): intra-op threads = threads, sequential execution, all graph optimisations. */
export async function openOrtNode(onnxPath: string, imageSize: number, threads: number): Promise<PeerRunner> {
  const ort = requirePeer('onnxruntime-node') as Ort;
  const session = await ort.InferenceSession.create(onnxPath, {
    intraOpNumThreads: threads, interOpNumThreads: 1, executionMode: 'sequential', graphOptimizationLevel: 'all',
  });
  return ortRunner(ort, session, imageSize, `onnxruntime-node ${peerVersion('onnxruntime-node')}, intraOpNumThreads ${threads}`);
}

/** onnxruntime-web's WASM SIMD build in Node: env.wasm.numThreads before the first session. */
export async function openOrtWeb(onnxPath: string, imageSize: number, threads: number): Promise<PeerRunner> {
  const ort = requirePeer('onnxruntime-web') as Ort;
  ort.env.wasm.numThreads = threads;
  const bytes = new Uint8Array(await readFile(onnxPath));
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  return ortRunner(ort, session, imageSize, `onnxruntime-web ${peerVersion('onnxruntime-web')} wasm, env.wasm.numThreads ${ort.env.wasm.numThreads}`);
}

interface TfWasm {
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}

/** TensorFlow.js with the "cpu" (plain JS) or "wasm" backend; wasm threads via setThreadsCount. */
export async function openTfjs(backend: 'cpu' | 'wasm', dims: VitDims, weight: (name: string) => Float32Array, threads: number): Promise<PeerRunner> {
  const tf = requirePeer('@tensorflow/tfjs') as Tf;
  let notes = `@tensorflow/tfjs ${peerVersion('@tensorflow/tfjs')} ${backend}`;
  if (backend === 'wasm') {
    const wasm = requirePeer('@tensorflow/tfjs-backend-wasm') as TfWasm;
    wasm.setThreadsCount(threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
    await tf.ready();
    notes += `, getThreadsCount() ${wasm.getThreadsCount()}`;
  } else {
    if (!(await tf.setBackend('cpu'))) throw new Error('tfjs: the cpu backend did not initialise');
    await tf.ready();
  }
  if (tf.getBackend() !== backend) throw new Error(`tfjs runs on ${tf.getBackend()}, not ${backend}`);
  const model = new TfjsVit(tf, dims, weight);
  return { run: async (pixels, batch) => model.forward(pixels, batch), notes, dispose: async () => {} };
}
