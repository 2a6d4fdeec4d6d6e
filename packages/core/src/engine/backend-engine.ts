/**
 * The engine every backend gets: the ops table built from the registry (each call checked against its
 * declaration, its arrays against the backend), arenas over the backend's memory, and the engine's own
 * uploads. Backends implement only what is theirs (engine/backend.ts).
 */

import type { BackendName } from '../backends/index.js';
import { convSpec, type Conv2dOptions } from '../ops/conv2d.js';
import { OP_NAMES, OPS, type OpArgs, type OpName } from '../ops/index.js';
import { checkGemmWeightData } from '../ops/linear.js';
import type { Sized } from '../ops/op.js';
import { HeapExhaustedError } from './heap-exhausted.js';
import type { Backend, BackendMemory } from './backend.js';
import { DeviceArray } from './device-array.js';
import type { Arena, ArenaOptions, Engine, EngineDescription, EngineOps, PreparedConv2d, PreparedLinear } from './engine.js';

export class BackendEngine implements Engine {
  readonly ops: EngineOps;
  private disposed = false;
  private own: EngineArena | null = null;
  private readonly arenas = new Set<EngineArena>();

  constructor(
    readonly backend: BackendName,
    private readonly impl: Backend,
  ) {
    const ops: Partial<Record<OpName, (args: never) => void>> = {};
    for (const name of OP_NAMES) ops[name] = (args: never) => this.run(name, args);
    this.ops = ops as EngineOps;
  }

  describe(): EngineDescription {
    return this.impl.describe();
  }

  createArena(options: ArenaOptions = {}): Arena {
    this.checkLive();
    const bytes = options.bytes ?? 0;
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`createArena: bytes must be a non-negative number, got ${bytes}`);
    const arena = new EngineArena(this, this.impl.openMemory(bytes), () => this.arenas.delete(arena));
    this.arenas.add(arena);
    return arena;
  }

  upload(values: Float32Array): DeviceArray {
    this.own ??= this.createArena() as EngineArena;
    return this.own.upload(values);
  }

  free(array: DeviceArray): void {
    if (!this.own) throw new Error('Engine.free: the array was not uploaded by this engine');
    this.own.free(array);
  }

  write(array: DeviceArray, values: Float32Array): void {
    this.checkLive();
    this.checkArray('write', 'array', array);
    if (!(values instanceof Float32Array)) throw new TypeError('write: values must be a Float32Array');
    if (values.length > array.length) throw new RangeError(`write: ${values.length} values do not fit an array of ${array.length}`);
    this.impl.write(array, values);
  }

  read(array: DeviceArray): Promise<Float32Array> {
    try {
      this.checkLive();
      this.checkArray('read', 'array', array);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.impl.read(array);
  }

  flush(): Promise<void> {
    if (this.disposed) return Promise.reject(new Error('Engine: disposed'));
    return this.impl.flush();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.impl.dispose();
  }

  checkLive(): void {
    if (this.disposed) throw new Error('Engine: disposed');
  }

  /** Throws unless `array` is a live array of this engine. */
  checkArray(op: string, what: string, array: unknown): asserts array is DeviceArray {
    if (!(array instanceof DeviceArray)) {
      const hint = ArrayBuffer.isView(array) ? ' (a plain typed array: upload it first, engine.upload / arena.upload)' : '';
      throw new TypeError(`${op}: ${what} is not a device array${hint}`);
    }
    if (!this.impl.owns(array)) throw new TypeError(`${op}: ${what} belongs to another engine`);
    if (array.released) throw new Error(`${op}: ${what} was freed (its arena is disposed, or it was freed)`);
  }

  private run<K extends OpName>(name: K, args: OpArgs<DeviceArray>[K]): void {
    this.checkLive();
    if (args === null || typeof args !== 'object') throw new TypeError(`${name}: expects an object of arguments`);
    visitArrays(args, (value, path) => this.checkArray(name, path, value));
    OPS[name].check(args as unknown as OpArgs<Sized>[K]);
    this.impl.run(name, args);
  }
}

/**
 * Calls `visit` for every array argument: device arrays, and typed arrays where a device array belongs
 * (so the check can say what to do). Descends into plain objects and lists (prepared weights), not further.
 */
function visitArrays(value: object, visit: (value: unknown, path: string) => void, path = '', depth = 0): void {
  for (const [key, v] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (v instanceof DeviceArray || ArrayBuffer.isView(v)) visit(v, at);
    else if (v !== null && typeof v === 'object' && depth < 2 && !isNumberList(v)) visitArrays(v as object, visit, at, depth + 1);
  }
}

function isNumberList(v: object): boolean {
  return Array.isArray(v) && v.every((x) => typeof x === 'number');
}

class EngineArena implements Arena {
  private disposed = false;
  private readonly roots = new Set<DeviceArray>();

  constructor(
    readonly engine: BackendEngine,
    private readonly memory: BackendMemory<DeviceArray>,
    private readonly onDispose: () => void,
  ) {}

  get bytes(): number {
    return this.memory.bytes;
  }

  alloc(length: number): DeviceArray {
    this.check('alloc', length);
    const array = this.memory.alloc(length);
    if (!array) throw new HeapExhaustedError(length * 4);
    this.roots.add(array);
    return array;
  }

  async tryAlloc(length: number): Promise<DeviceArray | null> {
    this.check('tryAlloc', length);
    const array = await this.memory.tryAlloc(length);
    if (array) this.roots.add(array);
    return array;
  }

  upload(values: Float32Array): DeviceArray {
    if (!(values instanceof Float32Array)) throw new TypeError('upload: values must be a Float32Array');
    const array = this.alloc(values.length);
    this.engine.write(array, values);
    return array;
  }

  free(array: DeviceArray): void {
    this.checkLive();
    if (!this.roots.delete(array)) throw new Error('Arena.free: the array was not allocated by this arena, is a view, or is already freed');
    this.memory.free(array);
  }

  prepareLinear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): PreparedLinear {
    this.checkLive();
    checkGemmWeightData('prepareLinear', weight, bias, outFeatures, inFeatures);
    return this.memory.prepareGemm(weight, bias, outFeatures, inFeatures);
  }

  prepareConv2d(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions = {}): PreparedConv2d {
    this.checkLive();
    const spec = convSpec(wShape, options);
    const expected = wShape.reduce((a, b) => a * b, 1);
    if (weight.length !== expected) throw new RangeError(`prepareConv2d: weight has ${weight.length} elements, expected [${wShape.join(',')}]`);
    if (bias && bias.length !== spec.outChannels) throw new RangeError(`prepareConv2d: bias has ${bias.length} elements, expected ${spec.outChannels}`);
    return this.memory.prepareConv(weight, wShape, bias, options);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.roots.clear();
    this.memory.dispose();
    this.onDispose();
  }

  private checkLive(): void {
    if (this.disposed) throw new Error('Arena: disposed');
    this.engine.checkLive();
  }

  private check(what: string, length: number): void {
    this.checkLive();
    if (!Number.isSafeInteger(length) || length < 0) throw new RangeError(`${what}: length must be a non-negative integer, got ${length}`);
  }
}
