import type { Arena, DeviceArray } from '@purevit/core';

/**
 * A model's activations between forwards (llama2.c's RunState): named buffers in engine memory, each
 * grown only when a forward needs more than it holds, so forwards of the same (or a smaller) shape
 * allocate nothing. `view(name, length)` is the first `length` floats of a buffer reserved before.
 */
export class RunState {
  private readonly buffers = new Map<string, DeviceArray>();

  constructor(private readonly arena: Arena) {}

  /**
   * Makes every named buffer hold at least its length. Resolves false (holding nothing new) when engine
   * memory cannot: an unshared WASM heap never grows, so the caller then runs a smaller batch at a time.
   * Asynchronous, as some devices learn of a failed allocation late.
   */
  async reserve(lengths: Readonly<Record<string, number>>): Promise<boolean> {
    const short = Object.entries(lengths).filter(([name, n]) => (this.buffers.get(name)?.length ?? -1) < n);
    if (short.length === 0) return true;
    for (const [name] of short) this.release(name);
    const made: string[] = [];
    for (const [name, n] of short) {
      const buffer = await this.arena.tryAlloc(Math.max(1, n));
      if (!buffer) {
        for (const m of made) this.release(m);
        return false;
      }
      this.buffers.set(name, buffer);
      made.push(name);
    }
    return true;
  }

  /** The first `length` floats of buffer `name` (reserved before). */
  view(name: string, length: number): DeviceArray {
    const buffer = this.buffers.get(name);
    if (!buffer || buffer.length < length) throw new Error(`RunState: buffer ${name} holds ${buffer?.length ?? 0} floats, ${length} needed`);
    return buffer.view(0, length);
  }

  /** Frees every buffer. */
  clear(): void {
    for (const name of [...this.buffers.keys()]) this.release(name);
  }

  private release(name: string): void {
    const buffer = this.buffers.get(name);
    if (!buffer) return;
    this.buffers.delete(name);
    this.arena.free(buffer);
  }
}

/** Runs calls one at a time (a model's run state is shared by its forwards). */
export class Serial {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * Splits `batch` images into chunks whose run state fits: the whole batch when `reserve(batch)` succeeds,
 * else halves until it does (one image at a time at worst; an image that does not fit is an error).
 * Every image is computed independently of the others, so chunking changes no bit of the result.
 */
export async function fitBatch(batch: number, reserve: (images: number) => Promise<boolean>, what: string): Promise<number> {
  let chunk = Math.max(1, batch);
  for (;;) {
    if (await reserve(chunk)) return chunk;
    if (chunk === 1) throw new Error(`${what}: the engine's memory cannot hold the activations of one image (an unshared WebAssembly heap does not grow; load the model with more room or use shared memory)`);
    chunk = Math.ceil(chunk / 2);
  }
}
