/**
 * A pool of workers that run the WASM kernels over the backend's shared heap. The calling thread takes
 * part: `threads` counts it, so a pool of 2 on a 2-core machine starts one worker. A parallel call hands
 * each lane one kernel call (an export name and its numeric arguments) through the lane's control block
 * in shared memory, runs lane 0 itself, then waits for the others: `run` awaits (Atomics.waitAsync, or a
 * completion message where that is missing, so it never blocks a browser page) and `runSync` blocks with
 * Atomics.wait (Node and workers, where `canBlock` is true).
 *
 * Without SharedArrayBuffer (an unshared heap) there are no workers: every call runs on the calling thread.
 */

import { KernelInstance } from '../instance.js';
import type { LaneTask } from '../plan.js';
import { canBlock, hardwareConcurrency, spawnWorker, type WorkerHandle } from './platform.js';
import { ARGS_OFFSET, CONTROL_BYTES, DONE, FAILED, MAX_ARGS, NOTIFY_BY_MESSAGE, OP, SEQ, WORKER_SOURCE } from './worker-source.js';

export interface WorkerPoolOptions {
  /** Lanes including the calling thread (default: hardware concurrency; 1 = no workers). */
  threads?: number;
}

interface Lane {
  worker: WorkerHandle;
  control: number; // byte offset of its control block
  ctl: Int32Array;
  args: Float64Array;
  scratch: number; // GEMM tile scratch private to the lane
  seq: number;
  messageWaiters: Map<number, (error: string | null) => void>;
  /** Set when the worker itself failed (it is then unusable). */
  error: Error | null;
  /** The message of the last kernel failure, when it arrived (it comes by message, after the flag). */
  lastError: string | null;
}

export class WorkerPool {
  readonly instance: KernelInstance;
  /** Lanes, the calling thread included. */
  readonly threads: number;
  /** True when `runSync` may be used on this thread. */
  readonly canBlock: boolean;
  private readonly lanes: Lane[];
  private busy = false;
  private lastKernels: string[] = [];
  private terminated = false;
  /** The module's exports, numbered as the workers number them. */
  private readonly exportIndex: ReadonlyMap<string, number>;

  private constructor(instance: KernelInstance, lanes: Lane[], exportNames: readonly string[]) {
    this.instance = instance;
    this.exportIndex = new Map(exportNames.map((name, i) => [name, i]));
    this.lanes = lanes;
    this.threads = lanes.length + 1;
    this.canBlock = canBlock();
  }

  /**
   * Starts `threads - 1` workers over the instance's heap (none when the heap is not shared). The export
   * list the workers number tasks by is the kernel module's own.
   */
  static async create(instance: KernelInstance, options: WorkerPoolOptions = {}): Promise<WorkerPool> {
    const wanted = options.threads ?? (await hardwareConcurrency());
    if (!Number.isInteger(wanted) || wanted < 1) throw new RangeError(`WorkerPool: invalid thread count ${wanted}`);
    const workers = instance.heap.shared ? wanted - 1 : 0;
    const exportNames = KernelInstance.exportNames(instance.module);
    const lanes: Lane[] = [];
    try {
      for (let i = 0; i < workers; i++) lanes.push(await startLane(instance, exportNames));
    } catch (error) {
      await Promise.all(lanes.map((l) => l.worker.terminate()));
      throw error;
    }
    return new WorkerPool(instance, lanes, exportNames);
  }

  /** GEMM tile scratch for lane `i` (lane 0 is the calling thread). */
  scratch(lane: number): number {
    return lane === 0 ? this.instance.scratch : this.lanes[lane - 1].scratch;
  }

  /** Runs tasks[i] on lane i (tasks.length ≤ threads) and resolves when all are done. */
  async run(tasks: readonly LaneTask[]): Promise<void> {
    this.start(tasks);
    let failure: unknown = null;
    try {
      if (tasks.length > 0) this.call(tasks[0]);
    } catch (error) {
      failure = error;
    }
    for (let i = 1; i < tasks.length; i++) await this.waitAsync(this.lanes[i - 1]);
    this.finish(tasks.length, failure);
  }

  /** Like `run`, blocking the calling thread (Node, workers). */
  runSync(tasks: readonly LaneTask[]): void {
    if (!this.canBlock && tasks.length > 1) throw new Error('WorkerPool.runSync: this thread may not block; use run()');
    this.start(tasks);
    let failure: unknown = null;
    try {
      if (tasks.length > 0) this.call(tasks[0]);
    } catch (error) {
      failure = error;
    }
    for (let i = 1; i < tasks.length; i++) waitSync(this.lanes[i - 1]);
    this.finish(tasks.length, failure);
  }

  /** Stops the workers. The pool cannot be used afterwards. */
  async terminate(): Promise<void> {
    if (this.terminated) return;
    this.terminated = true;
    for (const lane of this.lanes) {
      Atomics.store(lane.ctl, OP, -1);
      Atomics.add(lane.ctl, SEQ, 1);
      Atomics.notify(lane.ctl, SEQ);
    }
    await Promise.all(this.lanes.map((l) => l.worker.terminate()));
    for (const lane of this.lanes) {
      this.instance.heap.free(lane.control);
      this.instance.heap.free(lane.scratch);
    }
  }

  private start(tasks: readonly LaneTask[]): void {
    if (this.terminated) throw new Error('WorkerPool: terminated');
    if (this.busy) throw new Error('WorkerPool: a parallel call is already running (calls must not overlap)');
    if (tasks.length > this.threads) throw new RangeError(`WorkerPool: ${tasks.length} tasks for ${this.threads} lanes`);
    this.busy = true;
    this.lastKernels = tasks.map((t) => t.kernel);
    for (let i = 1; i < tasks.length; i++) {
      const lane = this.lanes[i - 1];
      const { kernel, args } = tasks[i];
      if (args.length > MAX_ARGS) throw new RangeError(`WorkerPool: ${kernel} takes at most ${MAX_ARGS} arguments`);
      const op = this.exportIndex.get(kernel);
      if (op === undefined) throw new Error(`WorkerPool: the kernel module has no export "${kernel}"`);
      lane.lastError = null;
      lane.args.fill(0);
      lane.args.set(args);
      Atomics.store(lane.ctl, OP, op);
      lane.seq = (Atomics.add(lane.ctl, SEQ, 1) + 1) | 0;
      Atomics.notify(lane.ctl, SEQ);
    }
  }

  private call(task: LaneTask): void {
    this.instance.call(task.kernel, task.args);
  }

  private finish(count: number, failure: unknown): void {
    this.busy = false;
    if (failure) throw failure;
    for (let i = 1; i < count; i++) {
      const lane = this.lanes[i - 1];
      if (lane.error) throw new Error(`WorkerPool: worker ${i} died: ${lane.error.message}`);
      if (Atomics.load(lane.ctl, FAILED)) {
        const detail = lane.lastError ? `: ${lane.lastError}` : '';
        throw new Error(`WorkerPool: kernel ${this.lastKernels[i]} failed in worker ${i}${detail}`);
      }
    }
  }

  private async waitAsync(lane: Lane): Promise<void> {
    if (Atomics.load(lane.ctl, DONE) === lane.seq) return;
    // A pending Atomics.waitAsync does not keep Node's event loop alive, and idle workers are unref'd:
    // hold a reference while waiting, or `await pool.run()` at the top level could let the process exit.
    lane.worker.ref();
    try {
      await this.waitAsyncUnref(lane);
    } finally {
      lane.worker.unref();
    }
  }

  private async waitAsyncUnref(lane: Lane): Promise<void> {
    const waitAsync = (Atomics as unknown as { waitAsync?: WaitAsync }).waitAsync;
    if (typeof waitAsync === 'function') {
      for (;;) {
        const done = Atomics.load(lane.ctl, DONE);
        if (done === lane.seq || lane.error) return;
        const result = waitAsync(lane.ctl, DONE, done);
        if (result.async) await result.value;
      }
    }
    if (this.canBlock) return waitSync(lane);
    // No waitAsync and no blocking (e.g. a browser page): the worker reports completion by message.
    Atomics.store(lane.ctl, NOTIFY_BY_MESSAGE, 1);
    await new Promise<void>((resolve) => {
      if (Atomics.load(lane.ctl, DONE) === lane.seq) resolve();
      else lane.messageWaiters.set(lane.seq, () => resolve());
    });
  }
}

/** Atomics.waitAsync (ES2024; Node 16+, Chromium; missing in older Firefox and Safari). */
type WaitAsync = (
  array: Int32Array, index: number, value: number, timeout?: number,
) => { async: false; value: string } | { async: true; value: Promise<string> };

function waitSync(lane: Lane): void {
  for (;;) {
    const done = Atomics.load(lane.ctl, DONE);
    if (done === lane.seq || lane.error) return;
    Atomics.wait(lane.ctl, DONE, done, 1000);
  }
}

async function startLane(instance: KernelInstance, exportNames: readonly string[]): Promise<Lane> {
  const heap = instance.heap;
  const control = heap.alloc(CONTROL_BYTES);
  new Uint8Array(heap.memory.buffer, control, CONTROL_BYTES).fill(0);
  const scratch = heap.alloc(instance.tiling.mr * instance.tiling.nr * 4);
  const worker = await spawnWorker(WORKER_SOURCE);
  const lane: Lane = {
    worker, control, scratch, seq: 0, error: null, lastError: null, messageWaiters: new Map(),
    ctl: heap.i32(control, ARGS_OFFSET / 4),
    args: new Float64Array(heap.memory.buffer, control + ARGS_OFFSET, MAX_ARGS),
  };
  await new Promise<void>((resolve, reject) => {
    let ready = false;
    worker.onError((error) => {
      lane.error = error;
      if (!ready) reject(error);
    });
    worker.onMessage((message) => {
      const m = message as { ready?: boolean; error?: string | null; done?: number };
      if (!ready) {
        ready = true;
        if (m.ready) resolve();
        else reject(new Error(`WorkerPool: worker failed to start: ${m.error}`));
        return;
      }
      if (m.done !== undefined) {
        lane.lastError = m.error ?? null;
        const waiter = lane.messageWaiters.get(m.done);
        lane.messageWaiters.delete(m.done);
        waiter?.(m.error ?? null);
      }
    });
    worker.postMessage({ memory: heap.memory, module: instance.module, exportNames, control });
  });
  // After the listeners are attached (adding a 'message' listener refs a Node worker again): an idle
  // pool must not keep the process alive.
  worker.unref();
  return lane;
}
