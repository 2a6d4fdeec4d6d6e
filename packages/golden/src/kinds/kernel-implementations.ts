/**
 * Every implementation of the ops under one interface, so each golden kernel case runs against all of them
 * ("one conformance table for all implementations"): the references (ops/*.ts), and every golden engine —
 * one per registered backend, plus the 'wasm' variants (see ../engines.ts). A case is a small program of op
 * calls built through a `Place` (host arrays for the reference, an arena's device arrays for an engine); an
 * engine runs it without a read until the program's results.
 */

import {
  crossEntropy, crossEntropyReference, referenceConvWeight, runReference, torchGemmWeight, type Arena, type Conv2dOptions, type ConvWeight,
  type DeviceArray, type Engine, type GemmWeight, type OpArgs, type OpName,
} from '@purevit/core';
import { goldenEngines } from '../engines.js';

/** Where a program's data goes. */
export interface Place<A> {
  array(values: Float32Array): A;
  zeros(length: number): A;
  view(array: A, offset: number, length?: number): A;
  linear(weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number): GemmWeight<A>;
  conv(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions): ConvWeight<A>;
}

/** Calls op `name` (on the reference, or enqueued on the engine). */
export type OpCall<A> = <K extends OpName>(name: K, args: OpArgs<A>[K]) => void;

/** A program: op calls on placed data; returns the arrays whose values are the results. */
export type Program = <A>(place: Place<A>, op: OpCall<A>) => A[];

export interface KernelImplementation {
  /** Runs the program; the values of the arrays it returns. */
  run(program: Program): Promise<Float32Array[]>;
  /** The attention ops to compare, by variant name (the reference has one; engines run eager and fused). */
  attention: Readonly<Record<string, 'attentionEager' | 'attentionFused'>>;
  /** Mean cross entropy of logits as this implementation computes it (a host step on read-back logits for engines). */
  crossEntropy(logits: Float32Array, rows: number, classes: number, targets: BigInt64Array): Promise<number>;
}

const hostPlace: Place<Float32Array> = {
  array: (values) => values.slice(),
  zeros: (length) => new Float32Array(length),
  view: (array, offset, length) => array.subarray(offset, length === undefined ? undefined : offset + length),
  linear: (weight, bias, outFeatures, inFeatures) => torchGemmWeight(weight, bias, outFeatures, inFeatures),
  conv: (weight, wShape, bias, options) => referenceConvWeight(weight, wShape, bias, options),
};

const REFERENCE: KernelImplementation = {
  run: async (program) => program(hostPlace, (name, args) => runReference(name, args)),
  attention: { reference: 'attentionEager' },
  crossEntropy: async (logits, rows, classes, targets) => crossEntropyReference(logits, rows, classes, targets),
};

function arenaPlace(arena: Arena): Place<DeviceArray> {
  return {
    array: (values) => arena.upload(values),
    zeros: (length) => arena.alloc(Math.max(1, length)),
    view: (array, offset, length) => array.view(offset, length),
    linear: (weight, bias, outFeatures, inFeatures) => arena.prepareLinear(weight, bias, outFeatures, inFeatures),
    conv: (weight, wShape, bias, options) => arena.prepareConv2d(weight, wShape, bias, options),
  };
}

/** An engine's ops: the program's data in a short-lived arena (weights packed as a model packs them at load). */
export function engineKernels(engine: Engine): KernelImplementation {
  return {
    async run(program) {
      const arena = engine.createArena();
      try {
        const results = program(arenaPlace(arena), (name, args) => engine.ops[name](args));
        const values: Float32Array[] = [];
        for (const r of results) values.push(await engine.read(r));
        return values;
      } finally {
        arena.dispose();
      }
    },
    attention: { eager: 'attentionEager', fused: 'attentionFused' },
    async crossEntropy(logits, rows, classes, targets) {
      const placed = engine.upload(logits);
      try {
        return crossEntropy(await engine.read(placed), rows, classes, targets);
      } finally {
        engine.free(placed);
      }
    },
  };
}

/** The conformance table: 'reference' first, then one row per golden engine. */
export async function kernelImplementations(): Promise<Readonly<Record<string, KernelImplementation>>> {
  const table: Record<string, KernelImplementation> = { reference: REFERENCE };
  for (const { label, engine } of await goldenEngines()) table[label] = engineKernels(engine);
  return table;
}
