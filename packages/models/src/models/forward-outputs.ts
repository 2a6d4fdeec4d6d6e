/**
 * A forward's outputs in engine memory: allocated for the whole batch (chunks write their images into
 * them), read back once each when the forward is done — the only reads a model makes — then freed.
 */

import { Tensor, type Arena, type DeviceArray } from '@purevit/core';

/** A device array with the shape of what it holds (row-major). */
export interface DeviceTensor {
  data: DeviceArray;
  shape: number[];
}

export class ForwardOutputs {
  private readonly arrays: DeviceArray[] = [];

  constructor(readonly arena: Arena) {}

  /** Zeros of `shape` in engine memory, freed with the outputs. */
  alloc(shape: readonly number[]): DeviceTensor {
    const data = this.arena.alloc(Math.max(1, shape.reduce((a, b) => a * b, 1)));
    this.arrays.push(data);
    return { data, shape: [...shape] };
  }

  /** A host tensor (features handed to forwardHead) copied into engine memory. */
  upload(t: Tensor): DeviceTensor {
    const data = this.arena.upload(t.data.length > 0 ? t.data : new Float32Array(1));
    this.arrays.push(data);
    return { data, shape: [...t.shape] };
  }

  /** Host values (a head mask, say) copied into engine memory, freed with the outputs. */
  uploadArray(values: Float32Array): DeviceArray {
    const data = this.arena.upload(values);
    this.arrays.push(data);
    return data;
  }

  /** The values as a CPU tensor (waits for the work enqueued before). */
  async read(t: DeviceTensor): Promise<Tensor> {
    const size = t.shape.reduce((a, b) => a * b, 1);
    const values = await this.arena.engine.read(size === t.data.length ? t.data : t.data.view(0, size));
    return new Tensor(values, t.shape);
  }

  free(): void {
    for (const a of this.arrays) this.arena.free(a);
    this.arrays.length = 0;
  }
}

/** Runs `body` with a fresh set of outputs, freed afterwards (also when it throws). */
export async function withOutputs<T>(arena: Arena, body: (outputs: ForwardOutputs) => Promise<T>): Promise<T> {
  const outputs = new ForwardOutputs(arena);
  try {
    return await body(outputs);
  } finally {
    outputs.free();
  }
}
