/**
 * A region: one WebAssembly heap with the kernel module instantiated over it and, for the shared heap, the
 * worker pool. An op runs in the region its arrays live in (see wasm-backend.ts for why there may be several).
 */

import type { WasmHeap } from './heap.js';
import type { KernelInstance } from './instance.js';
import type { LaneRunner, LaneTask } from './plan.js';
import type { WorkerPool } from './pool/worker-pool.js';

export class Region {
  readonly runner: LaneRunner;

  constructor(
    readonly heap: WasmHeap,
    readonly instance: KernelInstance,
    /** Null when there are no workers (one thread, or an unshared heap). */
    public pool: WorkerPool | null,
    /** Block this thread on the workers (where it may), else await them. */
    blocking: boolean,
  ) {
    const call = (task: LaneTask): void => instance.call(task.kernel, task.args);
    this.runner = {
      call,
      runSync: (tasks) => (this.pool ? this.pool.runSync(tasks) : tasks.forEach(call)),
      run: async (tasks) => (this.pool ? this.pool.run(tasks) : tasks.forEach(call)),
      get canBlock() {
        return blocking;
      },
    };
  }

  /** Lanes a step may use. */
  get lanes(): number {
    return this.pool?.threads ?? 1;
  }

  scratch(lane: number): number {
    return this.pool ? this.pool.scratch(lane) : this.instance.scratch;
  }

  async dispose(): Promise<void> {
    const pool = this.pool;
    this.pool = null;
    await pool?.terminate();
  }
}
