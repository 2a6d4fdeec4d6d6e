/**
 * What a backend implements (backends/<name>/): memory, one kernel per registered op, and the queue. The
 * engine around it (backend-engine.ts) checks every op's arguments against its declaration and the arrays
 * against the backend before handing them over, so a backend sees only well-formed calls on its own arrays.
 */

import type { Conv2dOptions, ConvWeight } from '../ops/conv2d.js';
import type { OpArgs, OpName } from '../ops/index.js';
import type { GemmWeight } from '../ops/linear.js';
import type { DeviceArray } from './device-array.js';
import type { EngineDescription } from './engine.js';

/** One arena's memory on a backend. */
export interface BackendMemory<A extends DeviceArray> {
  /** `length` zeros, or null when the memory is full. */
  alloc(length: number): A | null;
  /** Like alloc, for devices that learn of a failed allocation later. */
  tryAlloc(length: number): Promise<A | null>;
  /** Frees an array from alloc (after the work enqueued before). */
  free(array: A): void;
  /** Packs W [outFeatures, inFeatures] (torch layout) and the bias into this memory. */
  prepareGemm(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GemmWeight<A>;
  /** Packs a torch conv weight [o, c / groups, kh, kw] (checked) and the bias into this memory. */
  prepareConv(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions): ConvWeight<A>;
  /** Bytes held. */
  readonly bytes: number;
  /** Frees everything (after the work enqueued before). */
  dispose(): void;
}

export interface Backend<A extends DeviceArray = DeviceArray> {
  describe(): EngineDescription;
  /** True when `array` is one of this backend's arrays. */
  owns(array: DeviceArray): array is A;
  /** Memory for an arena expected to hold about `bytes` (0: unknown). */
  openMemory(bytes: number): BackendMemory<A>;
  /** Enqueues op `name` (arguments checked, arrays this backend's and live). */
  run<K extends OpName>(name: K, args: OpArgs<A>[K]): void;
  /** Enqueues a host → device copy. */
  write(array: A, values: Float32Array): void;
  /** A copy of the array's values after the enqueued work (rejects with an execution error met before). */
  read(array: A): Promise<Float32Array>;
  /** Resolves when the enqueued work is done (rejects with an execution error met before). */
  flush(): Promise<void>;
  dispose(): Promise<void>;
}
