/**
 * The little the pool needs from its host, without importing node: modules statically (a browser bundle
 * must not see them): thread count, starting a worker from source text, and whether this thread may block.
 */

import { relaxedSimdSupported } from '../kernel-module.js';

/** A started worker, the same shape in Node and browsers. */
export interface WorkerHandle {
  postMessage(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
  onError(handler: (error: Error) => void): void;
  /** Lets the process exit while the worker lives (Node; a no-op elsewhere). */
  unref(): void;
  /** Keeps the process alive again (Node: while an asynchronous wait on the worker is pending). */
  ref(): void;
  terminate(): Promise<void>;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  on(event: 'message', handler: (message: unknown) => void): void;
  on(event: 'error', handler: (error: Error) => void): void;
  unref(): void;
  ref(): void;
  terminate(): Promise<number>;
}
interface NodeWorkerThreads {
  Worker: new (code: string, options: { eval: true }) => NodeWorker;
}
interface NodeOs {
  availableParallelism?: () => number;
  cpus(): unknown[];
}

/** True in Node (and runtimes that mimic its process object). */
export function isNode(): boolean {
  const p = (globalThis as { process?: { versions?: { node?: string } } }).process;
  return typeof p?.versions?.node === 'string';
}

/** Imports a Node built-in by a computed name, so bundlers leave it alone. */
function importNode<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ name) as Promise<T>;
}

/** Hardware threads: navigator.hardwareConcurrency where present, Node's os.availableParallelism(), else 1. */
export async function hardwareConcurrency(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav && typeof nav.hardwareConcurrency === 'number' && nav.hardwareConcurrency > 0) return nav.hardwareConcurrency;
  if (isNode()) {
    const os = await importNode<NodeOs>('node:os');
    return os.availableParallelism ? os.availableParallelism() : Math.max(1, os.cpus().length);
  }
  return 1;
}

/**
 * Node 20 has WebAssembly relaxed-simd (hence the FMA GEMM, ≈ 1.4× faster) only behind a V8 flag. This sets
 * the flag for the whole process and returns whether relaxed-simd now validates; createEngine calls it
 * before compiling its kernels unless `relaxedSimd: false`. Safe to set late: the flag only lets V8 accept
 * the relaxed-simd opcodes when it decodes a module compiled afterwards (worker threads share the
 * process's flags); it changes nothing for modules without them. Elsewhere (Node ≥ 22, Deno, browsers:
 * already on) and where the runtime has no such flag, it changes nothing.
 */
export async function enableRelaxedSimd(): Promise<boolean> {
  if (isNode() && !relaxedSimdSupported()) {
    try {
      const v8 = await importNode<{ setFlagsFromString?(flags: string): void }>('node:v8');
      v8.setFlagsFromString?.('--experimental-wasm-relaxed-simd');
    } catch {
      // A Node-like runtime without V8's flags: plain SIMD it is.
    }
  }
  return relaxedSimdSupported();
}

/** True when this thread may call Atomics.wait (Node's main thread and workers; not a browser page). */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // value differs: returns at once
    return true;
  } catch {
    return false;
  }
}

const NODE_PRELUDE = `
const { parentPort } = require('node:worker_threads');
const onMessage = (handler) => parentPort.once('message', handler);
const post = (message) => parentPort.postMessage(message);
`;
const WEB_PRELUDE = `
const onMessage = (handler) => { self.onmessage = (event) => { self.onmessage = null; handler(event.data); }; };
const post = (message) => self.postMessage(message);
`;

/** Starts a worker running `source` (which uses `onMessage` and `post`, see worker-source.ts). */
export async function spawnWorker(source: string): Promise<WorkerHandle> {
  if (isNode()) {
    const { Worker } = await importNode<NodeWorkerThreads>('node:worker_threads');
    const w = new Worker(NODE_PRELUDE + source, { eval: true });
    return {
      postMessage: (m) => w.postMessage(m),
      onMessage: (h) => w.on('message', h),
      onError: (h) => w.on('error', h),
      unref: () => w.unref(),
      ref: () => w.ref(),
      terminate: async () => void (await w.terminate()),
    };
  }
  if (typeof Worker === 'undefined' || typeof Blob === 'undefined') throw new Error('no Worker support on this platform');
  const url = URL.createObjectURL(new Blob([WEB_PRELUDE + source], { type: 'text/javascript' }));
  const w = new Worker(url);
  // The script is fetched asynchronously: revoke its URL once the worker has spoken.
  const revoke = (): void => URL.revokeObjectURL(url);
  w.addEventListener('message', revoke, { once: true });
  w.addEventListener('error', revoke, { once: true });
  return {
    postMessage: (m) => w.postMessage(m),
    onMessage: (h) => w.addEventListener('message', (e: MessageEvent) => h(e.data)),
    onError: (h) => w.addEventListener('error', (e: ErrorEvent) => h(new Error(e.message))),
    unref: () => {},
    ref: () => {},
    terminate: async () => w.terminate(),
  };
}
