/**
 * Library users on Node 20 get the relaxed-SIMD FMA GEMM by default: createEngine sets V8's flag before it
 * compiles its kernels (Node 20 validates relaxed SIMD only behind that flag; Node ≥ 22 has it on), and
 * `relaxedSimd: false` leaves V8's flags alone. Vitest runs each test file in a process of its own (pool
 * 'forks'), so this one starts with the flag off: the tests below run in the order of that process's life.
 */

import { describe, expect, it } from 'vitest';
import { createEngine, relaxedSimdSupported } from '@purevit/core';
import { WasmBackend } from '../../src/backends/wasm/wasm-backend.js';

const NODE_20 = Number(process.versions.node.split('.')[0]) < 22;

describe('relaxed SIMD by default (Node 20: V8 flag set by createEngine)', () => {
  it('starts without relaxed SIMD on Node 20, and an explicit request that nothing enables is an error', async () => {
    expect(relaxedSimdSupported()).toBe(!NODE_20);
    const created = WasmBackend.create({ threads: 1, relaxedSimd: true }); // below createEngine: no flag is set
    if (NODE_20) await expect(created).rejects.toThrow(/does not validate relaxed-SIMD WebAssembly/);
    else await (await created).dispose();
  });

  it('relaxedSimd: false gives the plain kernels and leaves V8\'s flags alone', async () => {
    const engine = await createEngine({ relaxedSimd: false });
    expect(engine.describe()).toMatchObject({ backend: 'wasm', simd: 'plain' });
    expect(relaxedSimdSupported()).toBe(!NODE_20);
    await engine.dispose();
  });

  it('the default engine runs the FMA GEMM, and relaxedSimd: true then works too', async () => {
    const engine = await createEngine();
    expect(engine.describe()).toMatchObject({ backend: 'wasm', simd: 'relaxed' });
    expect(relaxedSimdSupported()).toBe(true);
    const explicit = await createEngine({ relaxedSimd: true, threads: 1 });
    expect(explicit.describe()).toMatchObject({ backend: 'wasm', simd: 'relaxed', threads: 1 });
    await engine.dispose();
    await explicit.dispose();
  });
});
