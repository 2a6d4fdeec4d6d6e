/**
 * The conformance harness: every registered op (ops/index.ts) on every engine variant against its reference.
 * Each op has a case file in ./cases (named after the op) whose fast-check arbitrary draws awkward calls; a
 * call builds its arguments through a `Place` — host copies for the reference, uploads into an arena for an
 * engine — so the same data reaches every implementation.
 */

import fc from 'fast-check';
import {
  BACKEND_NAMES, BackendEngine, createEngine, referenceConvWeight, torchGemmWeight, type Arena, type Conv2dOptions, type ConvWeight,
  type DeviceArray, type Engine, type GemmWeight, type OpArgs, type OpName,
} from '@purevit/core';
import { relaxedSimdSupported } from '../../src/backends/wasm/kernel-module.js';
import { WasmBackend, type WasmBackendOptions } from '../../src/backends/wasm/wasm-backend.js';

/** Where a call's data goes: host copies (the reference) or an engine's memory. */
export interface Place<A> {
  array(values: Float32Array): A;
  zeros(length: number): A;
  /** `length` elements (default: the rest) of `array` from `offset`. */
  view(array: A, offset: number, length?: number): A;
  linear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GemmWeight<A>;
  conv(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions): ConvWeight<A>;
}

export interface OpCase<K extends OpName> {
  /** Shown when the case fails. */
  label: string;
  build<A>(place: Place<A>): OpArgs<A>[K];
  /** Largest |engine − reference| allowed at element i of output `field` (default: the same bits). */
  tolerance?(field: string, reference: Float32Array): (i: number) => number;
}

export interface OpCases<K extends OpName> {
  cases: fc.Arbitrary<OpCase<K>>;
  /** fast-check runs (default 12). */
  numRuns?: number;
}

export const hostPlace: Place<Float32Array> = {
  array: (values) => values.slice(),
  zeros: (length) => new Float32Array(length),
  view: (array, offset, length) => array.subarray(offset, length === undefined ? undefined : offset + length),
  linear: (weight, bias, outFeatures, inFeatures) => torchGemmWeight(weight.slice(), bias && bias.slice(), outFeatures, inFeatures),
  conv: (weight, wShape, bias, options) => referenceConvWeight(weight, wShape, bias && bias.slice(), options),
};

export function arenaPlace(arena: Arena): Place<DeviceArray> {
  return {
    array: (values) => arena.upload(values),
    zeros: (length) => arena.alloc(length),
    view: (array, offset, length) => array.view(offset, length),
    linear: (weight, bias, outFeatures, inFeatures) => arena.prepareLinear(weight, bias, outFeatures, inFeatures),
    conv: (weight, wShape, bias, options) => arena.prepareConv2d(weight, wShape, bias, options),
  };
}

export interface EngineVariant {
  name: string;
  engine: Engine;
  /** Variants with the same group must give the same bits (one backend and arithmetic, any thread count or memory mode). */
  group: string;
}

/**
 * Every backend's default engine (so a new backend is covered as soon as it is registered), and the 'wasm'
 * paths that must agree bit for bit: one thread and two, blocking on the workers or awaiting them, a shared
 * heap or an unshared one.
 */
export async function engineVariants(): Promise<EngineVariant[]> {
  const variants: EngineVariant[] = [];
  for (const backend of BACKEND_NAMES) {
    const options = backend === 'wasm' ? { backend, relaxedSimd: false } : { backend };
    const engine = await createEngine(options);
    variants.push({ name: backend, engine, group: `${backend}-${engine.describe().simd ?? ''}` });
  }
  const wasm = async (name: string, options: WasmBackendOptions): Promise<void> => {
    const backend = await WasmBackend.create({ relaxedSimd: false, ...options });
    variants.push({ name, engine: new BackendEngine('wasm', backend), group: 'wasm-plain' });
  };
  await wasm('wasm 1 thread', { threads: 1 });
  await wasm('wasm 2 threads, awaited', { threads: 2, blocking: false });
  await wasm('wasm unshared', { shared: false });
  // relaxed-SIMD FMA where this engine has it: other bits than plain SIMD, the same bound
  if (relaxedSimdSupported()) variants.push({ name: 'wasm fma', engine: new BackendEngine('wasm', await WasmBackend.create({ relaxedSimd: true })), group: 'wasm-fma' });
  return variants;
}

/** Elementwise |got − want| ≤ bound(i), NaN matching NaN; throws naming the first offender. */
export function expectWithin(got: Float32Array, want: Float32Array, bound: (i: number) => number, what: string): void {
  if (got.length !== want.length) throw new Error(`${what}: ${got.length} values, the reference has ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i], w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) throw new Error(`${what}[${i}]: ${g}, the reference ${w}`);
      continue;
    }
    if (g === w) continue;
    if (!(Math.abs(g - w) <= bound(i))) throw new Error(`${what}[${i}]: ${g}, the reference ${w} (allowed ±${bound(i)})`);
  }
}

/** A bound `atol + rtol·|reference|`. */
export function relative(rtol: number, atol: number): (field: string, reference: Float32Array) => (i: number) => number {
  return (_field, reference) => (i) => atol + rtol * Math.abs(reference[i]);
}

const U32 = 2 ** -24;
/** Higham's γ_n: |fl(Σ x_i y_i) − Σ x_i y_i| ≤ γ_n Σ |x_i y_i| in any summation order. */
export function gamma(n: number): number {
  return (n * U32) / (1 - n * U32);
}

/** Deterministic uniform values in [-scale, scale) from a seed (mulberry32). */
export function randomArray(length: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** Sizes that stress blocking and vector tails: 1, primes, block multiples ± 1, and anything small. */
export const awkwardSize = (max = 70): fc.Arbitrary<number> =>
  fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 31, 33, 64, 65, 97).filter((n) => n <= max), fc.integer({ min: 1, max }));

export const seed = fc.integer({ min: 0, max: 0x7fffffff });

/** Declares an op's cases (types the file against the registry). */
export function opCases<K extends OpName>(_name: K, cases: OpCases<K>): OpCases<K> {
  return cases;
}
