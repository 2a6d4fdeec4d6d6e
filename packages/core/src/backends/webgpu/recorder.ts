/**
 * Command batching: kernels record dispatches into one compute pass of one command encoder, and nothing is
 * submitted until a read (or `flush`): a forward is one submission plus the copy of its outputs. Each
 * dispatch's parameters take one 256-byte slot of a uniform buffer written once per submission. Every device
 * call runs inside error scopes that are popped at submission, so a rejected shader or a failed allocation
 * surfaces (asynchronously) as a clear error at the next read.
 */

import type { WebGpuDevice } from './device.js';
import { WebGpuOutOfMemoryError, WebGpuValidationError } from './errors.js';
import { BufferUsage, MAP_READ, type GpuBuffer, type GpuBindGroup, type GpuCommandEncoder, type GpuComputePass, type GpuComputePipeline } from './gpu-api.js';
import type { GpuArray } from './gpu-array.js';
import type { StorageBindings } from './wgsl/bindings.js';
import type { ParamsLayout } from './wgsl/params.js';

/** Per-device counters, for the benchmark's per-forward figures. */
export interface WebGpuCounters {
  /** Compute dispatches recorded. */
  dispatches: number;
  /** Command-buffer submissions. */
  submissions: number;
  /** Bytes copied back to the CPU. */
  bytesRead: number;
  /** Bytes written from the CPU (weights, inputs). */
  bytesWritten: number;
  /** Distinct compute pipelines compiled. */
  pipelines: number;
}

const SLOT = 256;
const SLOTS_PER_CHUNK = 256;
/** A submission is forced after this many dispatches, bounding the bind groups and uniforms held. */
const MAX_PENDING_DISPATCHES = 4096;

interface UniformChunk {
  buffer: GpuBuffer;
  staging: ArrayBuffer;
}

export class CommandRecorder {
  readonly counters: WebGpuCounters = { dispatches: 0, submissions: 0, bytesRead: 0, bytesWritten: 0, pipelines: 0 };
  private readonly pipelines = new Map<string, GpuComputePipeline>();
  private readonly chunks: UniformChunk[] = [];
  private encoder: GpuCommandEncoder | null = null;
  private pass: GpuComputePass | null = null;
  private pending = 0;
  private scopesOpen = false;
  private readonly checks: Array<Promise<Error | null>> = [];

  constructor(private readonly gpu: WebGpuDevice) {}

  /** Records one dispatch of the kernel `code` (compiled once per distinct source). */
  dispatch(label: string, code: string, storage: StorageBindings, layout: ParamsLayout, params: Readonly<Record<string, number>>, workgroups: readonly [number, number, number]): void {
    const limit = this.gpu.limits.maxComputeWorkgroupsPerDimension;
    if (workgroups.some((n) => !Number.isInteger(n) || n < 0 || n > limit)) {
      throw new RangeError(`${label}: workgroup grid [${workgroups.join(', ')}] exceeds the device limit of ${limit} per dimension`);
    }
    if (workgroups.some((n) => n === 0)) return;
    this.begin();
    const device = this.gpu.device;
    const pipeline = this.pipeline(label, code);
    const slot = this.pending++;
    const chunk = this.chunk(Math.floor(slot / SLOTS_PER_CHUNK));
    const byteOffset = (slot % SLOTS_PER_CHUNK) * SLOT;
    layout.write(params, new DataView(chunk.staging), byteOffset);
    const entries = storage.buffers.map((buffer, binding) => ({ binding, resource: { buffer } }));
    entries.push({ binding: storage.buffers.length, resource: { buffer: chunk.buffer, offset: byteOffset, size: SLOT } as { buffer: GpuBuffer } });
    const group: GpuBindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    const pass = this.computePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(workgroups[0], workgroups[1], workgroups[2]);
    this.counters.dispatches++;
    if (this.pending >= MAX_PENDING_DISPATCHES) this.flush();
  }

  /** Records a copy of `src` into `dst` (same length), ordered with the dispatches. */
  copy(src: GpuArray, dst: GpuArray): void {
    if (src.length !== dst.length) throw new RangeError(`copy: ${src.length} elements into ${dst.length}`);
    if (src.length === 0) return;
    this.begin();
    this.endPass();
    this.encoderNow().copyBufferToBuffer(src.buffer, src.offset * 4, dst.buffer, dst.offset * 4, src.length * 4);
  }

  /** Records zeroing `dst`, ordered with the dispatches. */
  clear(dst: GpuArray): void {
    if (dst.length === 0) return;
    this.begin();
    this.endPass();
    this.encoderNow().clearBuffer(dst.buffer, dst.offset * 4, dst.length * 4);
  }

  /** Writes `data` into `dst` after everything recorded so far (recorded work is submitted first). */
  write(dst: GpuArray, data: Float32Array): void {
    if (data.length !== dst.length) throw new RangeError(`write: ${data.length} values into ${dst.length} elements`);
    if (data.length === 0) return;
    // queue.writeBuffer runs before any work not yet submitted, so that work goes first.
    if (this.encoder) this.flush();
    this.begin();
    // Not every implementation accepts a SharedArrayBuffer source: such data is copied first.
    const source = data.buffer instanceof ArrayBuffer ? data : data.slice();
    this.gpu.device.queue.writeBuffer(dst.buffer, dst.offset * 4, source);
    this.counters.bytesWritten += data.byteLength;
  }

  /** Runs a device call (buffer creation, …) inside the error scopes. */
  guarded<T>(call: () => T): T {
    this.begin();
    return call();
  }

  /** Submits what was recorded (one command buffer) and closes the error scopes. */
  flush(): void {
    if (this.encoder) {
      this.endPass();
      const commands = this.encoder.finish();
      this.encoder = null;
      const used = this.pending;
      for (let c = 0; c * SLOTS_PER_CHUNK < used; c++) {
        const slots = Math.min(SLOTS_PER_CHUNK, used - c * SLOTS_PER_CHUNK);
        this.gpu.device.queue.writeBuffer(this.chunks[c].buffer, 0, this.chunks[c].staging, 0, slots * SLOT);
      }
      this.pending = 0;
      this.gpu.device.queue.submit([commands]);
      this.counters.submissions++;
    }
    this.closeScopes();
  }

  /** Submits, copies `arrays` to the CPU in the same submission, and waits for the numbers. */
  async read(arrays: readonly GpuArray[]): Promise<Float32Array[]> {
    this.gpu.checkAlive();
    const total = arrays.reduce((s, a) => s + a.length, 0);
    let staging: GpuBuffer | null = null;
    if (total > 0) {
      staging = this.guarded(() => this.gpu.device.createBuffer({ size: total * 4, usage: BufferUsage.MAP_READ | BufferUsage.COPY_DST, label: 'readback' }));
      this.endPass();
      let at = 0;
      for (const a of arrays) {
        if (a.length > 0) this.encoderNow().copyBufferToBuffer(a.buffer, a.offset * 4, staging, at * 4, a.length * 4);
        at += a.length;
      }
    }
    this.flush();
    try {
      await this.settle();
      if (!staging) return arrays.map(() => new Float32Array(0));
      try {
        await staging.mapAsync(MAP_READ);
      } catch (err) {
        this.gpu.checkAlive();
        throw err;
      }
      const all = new Float32Array(staging.getMappedRange().slice(0));
      staging.unmap();
      this.counters.bytesRead += total * 4;
      let at = 0;
      return arrays.map((a) => all.slice(at, (at += a.length)));
    } finally {
      staging?.destroy();
    }
  }

  /** Waits for the error scopes popped so far and throws the first error they caught. */
  async settle(): Promise<void> {
    this.closeScopes();
    const results = await Promise.all(this.checks.splice(0));
    this.gpu.checkAlive();
    const error = results.find((e) => e !== null);
    if (error) throw error;
  }

  /** Stops recording (no submission): the device is going away. */
  abandon(): void {
    this.pass = null;
    this.encoder = null;
    this.pending = 0;
  }

  destroy(): void {
    this.abandon();
    for (const c of this.chunks) c.buffer.destroy();
    this.chunks.length = 0;
  }

  private pipeline(label: string, code: string): GpuComputePipeline {
    let pipeline = this.pipelines.get(code);
    if (!pipeline) {
      const module = this.gpu.device.createShaderModule({ code, label });
      pipeline = this.gpu.device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label });
      this.pipelines.set(code, pipeline);
      this.counters.pipelines++;
    }
    return pipeline;
  }

  private chunk(index: number): UniformChunk {
    while (this.chunks.length <= index) {
      const buffer = this.gpu.device.createBuffer({ size: SLOT * SLOTS_PER_CHUNK, usage: BufferUsage.UNIFORM | BufferUsage.COPY_DST, label: 'params' });
      this.chunks.push({ buffer, staging: new ArrayBuffer(SLOT * SLOTS_PER_CHUNK) });
    }
    return this.chunks[index];
  }

  private begin(): void {
    this.gpu.checkAlive();
    if (this.scopesOpen) return;
    const device = this.gpu.device;
    device.pushErrorScope('validation');
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('internal');
    this.scopesOpen = true;
  }

  private closeScopes(): void {
    if (!this.scopesOpen) return;
    this.scopesOpen = false;
    const device = this.gpu.device;
    const internal = device.popErrorScope();
    const oom = device.popErrorScope();
    const validation = device.popErrorScope();
    const check = Promise.all([oom, validation, internal]).then(
      ([o, v, i]): Error | null => {
        if (o) return new WebGpuOutOfMemoryError(`WebGPU out of memory: ${o.message}`);
        if (v) return new WebGpuValidationError(`WebGPU rejected a command of the purevit backend: ${v.message}`);
        if (i) return new WebGpuValidationError(`WebGPU internal error: ${i.message}`);
        return null;
      },
      (err: unknown) => (this.gpu.lost ?? (err as Error)),
    );
    this.checks.push(check);
  }

  private encoderNow(): GpuCommandEncoder {
    this.begin();
    this.encoder ??= this.gpu.device.createCommandEncoder({ label: 'purevit' });
    return this.encoder;
  }

  private computePass(): GpuComputePass {
    this.pass ??= this.encoderNow().beginComputePass();
    return this.pass;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}
