/**
 * Row-wise kernels (layer norm, softmax, elementwise activations) split over a pool's lanes by row
 * ranges. Each row (element) is computed exactly as on one thread, so results are bit-identical. Small
 * inputs use fewer lanes: waking a worker costs tens of microseconds.
 */

import { activationId } from '../wasm/emit-gemm.js';
import { isWasmActivation, Staging } from '../wasm/backend.js';
import type { WasmActivation } from '../wasm/emit-math.js';
import type { KernelTask, WorkerPool } from './worker-pool.js';

/** Below this many floats per lane, another lane does not pay for its wake-up. */
export const MIN_FLOATS_PER_LANE = 16384;

/** Splits `rows` into at most `lanes` contiguous ranges of at least `minRows` rows (the last may be shorter). */
export function splitRows(rows: number, lanes: number, minRows: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(lanes, Math.floor(rows / Math.max(1, minRows))));
  return Array.from({ length: count }, (_, i) => [Math.floor((rows * i) / count), Math.floor((rows * (i + 1)) / count)] as [number, number]);
}

type Run = (pool: WorkerPool, tasks: KernelTask[]) => Promise<void> | void;
const runAsync: Run = (pool, tasks) => pool.run(tasks);
const runSync: Run = (pool, tasks) => pool.runSync(tasks);

function lanesFor(pool: WorkerPool, rows: number, cols: number): Array<[number, number]> {
  return splitRows(rows, pool.threads, Math.ceil(MIN_FLOATS_PER_LANE / Math.max(1, cols)));
}

function softmaxImpl(run: Run, pool: WorkerPool, x: Float32Array, rows: number, cols: number, out: Float32Array): Promise<void> | void {
  const heap = pool.backend.heap;
  if (rows === 0 || cols === 0) return;
  const staging = new Staging(heap);
  const xs = staging.input(x, rows, cols, cols);
  const o = out === x ? xs : staging.output(out, rows, cols, cols, false);
  const tasks = lanesFor(pool, rows, cols).map(([r0, r1]): KernelTask => ({
    kernel: 'softmax', args: [xs.ptr + r0 * cols * 4, r1 - r0, cols, o.ptr + r0 * cols * 4],
  }));
  return finish(() => run(pool, tasks), () => {
    if (out === x && xs.staged) out.set(heap.f32(xs.ptr, rows * cols));
    staging.finish();
  }, staging);
}

function layerNormImpl(
  run: Run, pool: WorkerPool, x: Float32Array, rows: number, dim: number,
  weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array,
): Promise<void> | void {
  const heap = pool.backend.heap;
  if (rows === 0 || dim === 0) return;
  const staging = new Staging(heap);
  const xs = staging.input(x, rows, dim, dim);
  const w = weight ? staging.input(weight, 1, dim, dim).ptr : 0;
  const b = bias ? staging.input(bias, 1, dim, dim).ptr : 0;
  const o = out === x ? xs : staging.output(out, rows, dim, dim, false);
  const tasks = lanesFor(pool, rows, dim).map(([r0, r1]): KernelTask => ({
    kernel: 'layer_norm', args: [xs.ptr + r0 * dim * 4, r1 - r0, dim, w, b, eps, o.ptr + r0 * dim * 4],
  }));
  return finish(() => run(pool, tasks), () => {
    if (out === x && xs.staged) out.set(heap.f32(xs.ptr, rows * dim));
    staging.finish();
  }, staging);
}

function activationImpl(run: Run, pool: WorkerPool, act: WasmActivation, x: Float32Array, out: Float32Array): Promise<void> | void {
  if (!isWasmActivation(act)) throw new Error(`activation: unsupported "${String(act)}"`);
  const heap = pool.backend.heap;
  const n = x.length;
  if (out.length < n) throw new RangeError(`activation: out has ${out.length} values, needs ${n}`);
  if (n === 0) return;
  const staging = new Staging(heap);
  const o = staging.output(out, 1, n, n, false);
  if (o.staged) heap.f32(o.ptr, n).set(x);
  else if (x !== out) out.subarray(0, n).set(x);
  const tasks = splitRows(n, pool.threads, MIN_FLOATS_PER_LANE).map(([e0, e1]): KernelTask => ({
    kernel: 'epilogue', args: [o.ptr + e0 * 4, e1 - e0, 1, e1 - e0, 0, 0, 0, activationId(act)],
  }));
  return finish(() => run(pool, tasks), () => staging.finish(), staging);
}

/** Starts the run, then `after` once it settles (synchronously when it is not a promise); always frees the staging. */
function finish(start: () => Promise<void> | void, after: () => void, staging: Staging): Promise<void> | void {
  let pending: Promise<void> | void;
  try {
    pending = start();
  } catch (error) {
    staging.release();
    throw error;
  }
  if (pending instanceof Promise) {
    return pending.then(after).finally(() => staging.release());
  }
  try {
    after();
  } finally {
    staging.release();
  }
}

/** Softmax over the last axis on all lanes (out may be x). */
export async function parallelSoftmax(pool: WorkerPool, x: Float32Array, rows: number, cols: number, out: Float32Array): Promise<void> {
  checkRows('softmax', x, out, rows, cols);
  await softmaxImpl(runAsync, pool, x, rows, cols, out);
}
export function parallelSoftmaxSync(pool: WorkerPool, x: Float32Array, rows: number, cols: number, out: Float32Array): void {
  checkRows('softmax', x, out, rows, cols);
  void softmaxImpl(runSync, pool, x, rows, cols, out);
}

/** Affine layer norm over the last axis on all lanes (weight / bias may be null; out may be x). */
export async function parallelLayerNorm(
  pool: WorkerPool, x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array,
): Promise<void> {
  checkRows('layerNorm', x, out, rows, dim, weight, bias);
  await layerNormImpl(runAsync, pool, x, rows, dim, weight, bias, eps, out);
}
export function parallelLayerNormSync(
  pool: WorkerPool, x: Float32Array, rows: number, dim: number, weight: Float32Array | null, bias: Float32Array | null, eps: number, out: Float32Array,
): void {
  checkRows('layerNorm', x, out, rows, dim, weight, bias);
  void layerNormImpl(runSync, pool, x, rows, dim, weight, bias, eps, out);
}

/** out = act(x) elementwise on all lanes (out may be x). */
export async function parallelActivation(pool: WorkerPool, act: WasmActivation, x: Float32Array, out: Float32Array): Promise<void> {
  await activationImpl(runAsync, pool, act, x, out);
}
export function parallelActivationSync(pool: WorkerPool, act: WasmActivation, x: Float32Array, out: Float32Array): void {
  void activationImpl(runSync, pool, act, x, out);
}

function checkRows(
  name: string, x: Float32Array, out: Float32Array, rows: number, cols: number,
  weight: Float32Array | null = null, bias: Float32Array | null = null,
): void {
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 0) {
    throw new RangeError(`${name}: invalid shape [${rows}, ${cols}]`);
  }
  const n = rows * cols;
  if (x.length < n) throw new RangeError(`${name}: x has ${x.length} values, needs ${n}`);
  if (out.length < n) throw new RangeError(`${name}: out has ${out.length} values, needs ${n}`);
  if (weight && weight.length < cols) throw new RangeError(`${name}: weight has ${weight.length} values, needs ${cols}`);
  if (bias && bias.length < cols) throw new RangeError(`${name}: bias has ${bias.length} values, needs ${cols}`);
}
