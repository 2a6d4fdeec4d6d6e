/**
 * The engine contract, on every backend: what createEngine gives, argument checks at the call (before
 * anything is enqueued), device arrays that belong to one engine and die with their arena, reads as the only
 * way data comes back, execution errors that reject the next read / flush and leave the engine serving, and
 * the 'wasm' backend's memory regions.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackendEngine, BACKEND_NAMES, createEngine, HeapExhaustedError, WorkQueue, type Backend, type DeviceArray, type Engine, type OpArgs, type OpName,
} from '@purevit/core';
import { JsBackend, type JsArray } from '../../src/backends/js/js-backend.js';
import { WasmBackend } from '../../src/backends/wasm/wasm-backend.js';
import { randomArray } from '../ops/harness.js';

const engines: Engine[] = [];
beforeAll(async () => {
  for (const backend of BACKEND_NAMES) engines.push(await createEngine({ backend, relaxedSimd: backend === 'wasm' ? false : undefined }));
});
afterAll(async () => {
  for (const e of engines) await e.dispose();
});

describe('createEngine', () => {
  it('defaults to the wasm backend, relaxed-SIMD FMA (Node 20: V8\'s flag set by createEngine), every hardware thread, shared memory', async () => {
    const engine = await createEngine();
    try {
      const { availableParallelism } = await import('node:os');
      expect(engine.describe()).toEqual({ backend: 'wasm', simd: 'relaxed', threads: availableParallelism(), sharedMemory: true });
      expect(Object.keys(engine.ops).length).toBeGreaterThan(10);
    } finally {
      await engine.dispose();
    }
  });

  // Relaxed SIMD where the engine does not validate it: relaxed-simd-default.test.ts (a process whose V8 flag is still off).
  it('rejects bad options', async () => {
    await expect(createEngine({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(createEngine({ backend: 'gpu' as 'js' })).rejects.toThrow(/unknown backend "gpu"/);
    await expect(createEngine({ backend: 'js', relaxedSimd: true })).rejects.toThrow(/wasm/);
  });
});

describe('ops check their arguments at the call', () => {
  it('a short array, a bad size or option is a RangeError naming the op and the argument; nothing is enqueued', async () => {
    for (const engine of engines) {
      const arena = engine.createArena();
      const x = arena.upload(randomArray(6, 1));
      const out = arena.alloc(6);
      expect(() => engine.ops.softmax({ x, out, rows: 2, cols: 4 })).toThrow(/softmax: x has 6 elements, needs 8/);
      expect(() => engine.ops.layerNorm({ x, out, rows: -1, dim: 3, weight: null, bias: null, eps: 1e-5 })).toThrow(RangeError);
      expect(() => engine.ops.activation({ x, out, activation: 'selu' as 'relu' })).toThrow(/activation: unknown activation "selu"/);
      const weight = arena.prepareLinear(randomArray(6, 2), null, 2, 3);
      expect(() => engine.ops.linear({ x, rows: 3, weight, out })).toThrow(/linear: x has 6 elements, needs 9/);
      expect(() => engine.ops.conv2d({ x, shape: [1, 2, 3, 1], weight: arena.prepareConv2d(randomArray(4, 3), [1, 1, 2, 2], null), out, activation: 'relu' }))
        .not.toThrow();
      await engine.flush();
      arena.dispose();
    }
  });

  it('a plain Float32Array, an array of another engine, a freed array are refused with what to do', async () => {
    const [a, b] = engines;
    const arenaA = a.createArena(), arenaB = b.createArena();
    const x = arenaA.upload(randomArray(4, 1));
    expect(() => a.ops.softmax({ x: new Float32Array(4) as unknown as DeviceArray, out: x, rows: 1, cols: 4 })).toThrow(/softmax: x is not a device array \(a plain typed array: upload it first/);
    expect(() => b.ops.softmax({ x, out: arenaB.alloc(4), rows: 1, cols: 4 })).toThrow(/softmax: x belongs to another engine/);
    const weight = arenaA.prepareLinear(randomArray(6, 2), null, 2, 3);
    expect(() => b.ops.linear({ x: arenaB.alloc(3), rows: 1, weight, out: arenaB.alloc(2) })).toThrow(/linear: weight.packed belongs to another engine/);
    const y = arenaA.alloc(4);
    arenaA.free(y);
    expect(() => a.ops.softmax({ x, out: y, rows: 1, cols: 4 })).toThrow(/out was freed/);
    expect(() => arenaA.free(y)).toThrow(/already freed/);
    arenaA.dispose();
    expect(() => a.ops.softmax({ x, out: x, rows: 1, cols: 4 })).toThrow(/x was freed/);
    expect(() => arenaA.alloc(1)).toThrow(/disposed/);
    await expect(a.read(x)).rejects.toThrow(/freed/);
    arenaB.dispose();
  });
});

describe('reads', () => {
  it('return a copy once the work enqueued before is done; views read their part', async () => {
    for (const engine of engines) {
      const x = engine.upload(Float32Array.of(1, 2, 3, 4, 5, 6));
      engine.ops.activation({ x, out: x, activation: 'relu2' });
      const part = await engine.read(x.view(2, 3));
      expect(Array.from(part), engine.backend).toEqual([9, 16, 25]);
      part[0] = 100;
      expect(Array.from(await engine.read(x)), engine.backend).toEqual([1, 4, 9, 16, 25, 36]);
      engine.write(x.view(4), Float32Array.of(-1, -2));
      expect(Array.from(await engine.read(x)), engine.backend).toEqual([1, 4, 9, 16, -1, -2]);
      expect(() => engine.write(x.view(5), Float32Array.of(1, 2))).toThrow(/do not fit/);
      expect(() => x.view(4, 3)).toThrow(/outside an array of 6/);
      engine.free(x);
    }
  });

  it('an awaited wasm engine enqueues: the call returns before the work is done, read waits for it', async () => {
    const engine = new BackendEngine('wasm', await WasmBackend.create({ threads: 2, blocking: false, relaxedSimd: false }));
    try {
      const n = 200_000;
      const x = engine.upload(randomArray(n, 5));
      const out = engine.upload(new Float32Array(n));
      engine.ops.activation({ x, out, activation: 'gelu' });
      engine.ops.activation({ x: out, out, activation: 'relu' });
      const got = await engine.read(out);
      const want = await (async () => {
        const js = engines[BACKEND_NAMES.indexOf('js')];
        const a = js.upload(await engine.read(x));
        js.ops.activation({ x: a, out: a, activation: 'gelu' });
        js.ops.activation({ x: a, out: a, activation: 'relu' });
        return js.read(a);
      })();
      for (let i = 0; i < n; i += 997) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-6);
    } finally {
      await engine.dispose();
    }
  });
});

/** A 'js' backend whose softmax fails while executing (as a device error would), to see where the error goes. */
class FaultyBackend implements Backend<JsArray> {
  private readonly inner = new JsBackend();
  private readonly queue = new WorkQueue();
  describe() { return this.inner.describe(); }
  owns(array: DeviceArray): array is JsArray { return this.inner.owns(array); }
  openMemory() { return this.inner.openMemory(); }
  run<K extends OpName>(name: K, args: OpArgs<JsArray>[K]): void {
    if (name === 'softmax') this.queue.enqueue(() => Promise.reject(new Error('device lost while running softmax')));
    else this.inner.run(name, args);
  }
  write(array: JsArray, values: Float32Array) { this.inner.write(array, values); }
  async read(array: JsArray) {
    await this.queue.drain();
    return this.inner.read(array);
  }
  async flush() {
    await this.queue.drain();
    await this.inner.flush();
  }
  async dispose() {}
}

describe('execution errors', () => {
  it('reject the next read or flush (not the call), once, and the engine goes on serving', async () => {
    const engine = new BackendEngine('js', new FaultyBackend());
    const x = engine.upload(Float32Array.of(1, 2));
    expect(() => engine.ops.softmax({ x, out: x, rows: 1, cols: 2 })).not.toThrow();
    await expect(engine.read(x)).rejects.toThrow(/device lost while running softmax/);
    engine.ops.activation({ x, out: x, activation: 'relu2' });
    expect(Array.from(await engine.read(x))).toEqual([1, 4]);
    engine.ops.softmax({ x, out: x, rows: 1, cols: 2 });
    await expect(engine.flush()).rejects.toThrow(/device lost/);
    await expect(engine.flush()).resolves.toBeUndefined();
  });

  it('the work queue keeps order, runs eagerly when nothing is pending and reports the first error once', async () => {
    const q = new WorkQueue();
    const log: string[] = [];
    q.enqueue(() => void log.push('a'));
    expect(log).toEqual(['a']);
    let release: () => void = () => {};
    q.enqueue(() => new Promise<void>((r) => { release = () => { log.push('b'); r(); }; }));
    q.enqueue(() => { throw new Error('c failed'); });
    q.enqueue(() => void log.push('d'));
    expect(log).toEqual(['a']);
    expect(q.busy).toBe(true);
    release();
    await expect(q.drain()).rejects.toThrow(/c failed/);
    expect(log).toEqual(['a', 'b', 'd']);
    await q.drain();
    expect(q.busy).toBe(false);
  });
});

describe('wasm memory regions', () => {
  it('an unshared engine gives a big arena a heap of its own, sized for it; its ops run there; freed room is reused', async () => {
    const engine = new BackendEngine('wasm', await WasmBackend.create({ shared: false, relaxedSimd: false }));
    try {
      const small = engine.createArena({ bytes: 1 << 20 });
      const big = engine.createArena({ bytes: 96 << 20 });
      const b = big.alloc(24 << 20); // 96 MiB of floats: only the big arena's heap holds it
      const x = big.upload(randomArray(15, 1)), out = big.alloc(15);
      engine.ops.softmax({ x, out, rows: 3, cols: 5 });
      const sums = await engine.read(out);
      for (let r = 0; r < 3; r++) expect(sums.subarray(r * 5, r * 5 + 5).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 6);
      expect(() => engine.ops.softmax({ x, out: small.alloc(15), rows: 3, cols: 5 })).toThrow(/one memory region/);
      expect(big.bytes).toBeGreaterThanOrEqual(96 << 20);
      big.dispose();
      await engine.flush();
      expect(big.bytes).toBe(0);
      expect(b.released).toBe(true);
      const again = engine.createArena({ bytes: 96 << 20 });
      expect(again.alloc(24 << 20).length).toBe(24 << 20);
      expect(await small.tryAlloc(1 << 30)).toBeNull();
      expect(() => small.alloc(1 << 30)).toThrow(HeapExhaustedError);
    } finally {
      await engine.dispose();
    }
  });

  it('refuses use after dispose', async () => {
    const engine = await createEngine({ backend: 'wasm', threads: 2 });
    const arena = engine.createArena();
    const x = arena.upload(Float32Array.of(1, 2));
    await engine.dispose();
    expect(() => engine.ops.softmax({ x, out: x, rows: 1, cols: 2 })).toThrow(/disposed/);
    expect(() => arena.alloc(4)).toThrow(/disposed/);
    await expect(engine.read(x)).rejects.toThrow(/disposed/);
  });
});
