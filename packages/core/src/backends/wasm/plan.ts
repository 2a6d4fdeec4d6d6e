/**
 * How a 'wasm' kernel runs: `plan(args, ctx)` cuts one op call into steps, each a set of lane tasks (an
 * export of the kernel module and its numeric arguments, one task per lane, on disjoint parts of the
 * output) or a host step (TypeScript on the heap, on the calling thread). `execute` runs the steps in order
 * on the pool — blocking on it where this thread may block, awaiting it otherwise: one path for Node and
 * browsers, one thread or many. Every lane computes its part exactly as one thread would, so results are
 * bit-identical for any thread count.
 */

import type { WasmHeap } from './heap.js';
import type { ModuleBuilder } from './module-builder.js';
import type { EmitLibrary } from './emit-library.js';
import type { GemmTiling } from './emit-gemm.js';

/** One lane's share of a step: an export of the kernel module and its (≤ 16 numeric) arguments. */
export interface LaneTask {
  kernel: string;
  args: readonly number[];
}

export type Step = { readonly tasks: readonly LaneTask[] } | { readonly host: () => void };

/** What a plan may use: the heap (pointers are byte offsets into it), the lanes, scratch and temporaries. */
export interface PlanContext {
  readonly heap: WasmHeap;
  readonly tiling: GemmTiling;
  /** Lanes a step may use (the calling thread + workers). */
  readonly lanes: number;
  /** The GEMM tile scratch of lane `lane` (mr × nr floats, private to it). */
  scratch(lane: number): number;
  /** A heap block of `floats` floats (contents unspecified), freed once the call is done. */
  temp(floats: number): number;
}

/** A 'wasm' backend kernel: what it adds to the kernel module, and how one call runs. */
export interface WasmKernel<Args> {
  /** Emits the module functions its tasks call (through `lib`, which emits shared ones once). */
  emit?(mod: ModuleBuilder, lib: EmitLibrary): void;
  plan(args: Args, ctx: PlanContext): readonly Step[];
}

/** Who runs lane tasks: lane 0 on this thread, the others on workers. */
export interface LaneRunner {
  /** Runs tasks[i] on lane i on this thread's instance (used for single tasks). */
  call(task: LaneTask): void;
  /** Runs the tasks on the lanes, blocking this thread until all are done. */
  runSync(tasks: readonly LaneTask[]): void;
  /** The same, awaiting. */
  run(tasks: readonly LaneTask[]): Promise<void>;
  /** True when `runSync` may be used on this thread. */
  readonly canBlock: boolean;
}

/** Runs the steps in order; returns a promise only when a step had to be awaited. */
export function execute(steps: readonly Step[], runner: LaneRunner, from = 0): void | Promise<void> {
  for (let i = from; i < steps.length; i++) {
    const step = steps[i];
    if ('host' in step) {
      step.host();
      continue;
    }
    const { tasks } = step;
    if (tasks.length === 1) runner.call(tasks[0]);
    else if (tasks.length > 1 && runner.canBlock) runner.runSync(tasks);
    else if (tasks.length > 1) return runner.run(tasks).then(() => execute(steps, runner, i + 1));
  }
}

/** Splits `rows` into at most `lanes` contiguous ranges of at least `minRows` rows (the last may be shorter). */
export function splitRows(rows: number, lanes: number, minRows: number): Array<[number, number]> {
  const count = Math.max(1, Math.min(lanes, Math.floor(rows / Math.max(1, minRows))));
  return Array.from({ length: count }, (_, i) => [Math.floor((rows * i) / count), Math.floor((rows * (i + 1)) / count)] as [number, number]);
}

/** Below this many floats per lane, another lane does not pay for its wake-up (tens of microseconds). */
export const MIN_FLOATS_PER_LANE = 16384;

/** Row ranges for a row-wise kernel over rows of `cols` floats. */
export function rowLanes(ctx: PlanContext, rows: number, cols: number): Array<[number, number]> {
  return splitRows(rows, ctx.lanes, Math.ceil(MIN_FLOATS_PER_LANE / Math.max(1, cols)));
}
