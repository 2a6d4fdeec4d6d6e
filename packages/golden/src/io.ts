/** Reads a fixture's io.safetensors (inputs and expected outputs as named tensors). */

import { readFile } from 'node:fs/promises';
import { Tensor } from '@purevit/core';
import { SafetensorsFile, bytesSource, type DType, type TensorTypedArray } from '@purevit/weights';

export class IoFile {
  private constructor(readonly path: string, private readonly file: SafetensorsFile) {}

  static async open(path: string): Promise<IoFile> {
    const bytes = await readFile(path);
    return new IoFile(path, await SafetensorsFile.open(bytesSource(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength))));
  }

  has(name: string): boolean {
    return this.file.has(name);
  }

  shape(name: string): readonly number[] {
    return this.info(name).shape;
  }

  dtype(name: string): DType {
    return this.info(name).dtype;
  }

  /** Any tensor as float32 (BOOL → 0/1, I64 → nearest float); 0-d tensors have shape []. */
  async tensor(name: string): Promise<Tensor> {
    const info = this.info(name);
    return new Tensor(Float32Array.from(await this.file.readFloat32(name)), info.shape);
  }

  /** The tensor in its stored dtype (I64 as BigInt64Array, BOOL/U8 as bytes). */
  async typed(name: string): Promise<TensorTypedArray> {
    this.info(name);
    return this.file.readTyped(name);
  }

  private info(name: string): { dtype: DType; shape: readonly number[] } {
    if (!this.file.has(name)) throw new Error(`${this.path} has no tensor ${name}`);
    return this.file.info(name);
  }
}
