/// <reference types="vite/client" />
/**
 * One conformance table: every registered op (ops/index.ts) × every engine variant (harness.ts) against the
 * op's reference, on the awkward calls of its case file (./cases/<op>.ts, found by name: a new op without
 * one fails here, and a new backend is covered as soon as it is registered). Variants of one backend and
 * arithmetic must agree bit for bit, whatever their threads or memory mode.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OP_NAMES, OPS, type DeviceArray, type OpArgs, type OpName, type Sized } from '@purevit/core';
import { arenaPlace, engineVariants, expectWithin, hostPlace, type EngineVariant, type OpCase, type OpCases } from './harness.js';

const modules = import.meta.glob<{ default: OpCases<OpName> }>('./cases/*.ts', { eager: true });
const casesByOp = new Map<string, OpCases<OpName>>();
for (const [path, mod] of Object.entries(modules)) {
  const file = path.slice('./cases/'.length, -'.ts'.length);
  casesByOp.set(file.replace(/-([a-z0-9])/g, (_, ch: string) => ch.toUpperCase()), mod.default);
}

let variants: EngineVariant[] = [];
beforeAll(async () => {
  variants = await engineVariants();
});
afterAll(async () => {
  for (const v of variants) await v.engine.dispose();
});

function outputsOf(name: OpName, args: object): Array<[string, unknown]> {
  return OPS[name].outputs.map((field) => [field, (args as Record<string, unknown>)[field]] as [string, unknown]).filter(([, a]) => a != null);
}

async function check<K extends OpName>(name: K, c: OpCase<K>): Promise<void> {
  const ref = c.build(hostPlace);
  OPS[name].check(ref as unknown as OpArgs<Sized>[K]);
  OPS[name].reference(ref);
  const bits = new Map<string, Float32Array[]>();
  for (const v of variants) {
    const arena = v.engine.createArena();
    try {
      const args = c.build(arenaPlace(arena));
      v.engine.ops[name](args as OpArgs<DeviceArray>[K]);
      const outputs: Float32Array[] = [];
      for (const [field, array] of outputsOf(name, args)) {
        const got = await v.engine.read(array as DeviceArray);
        const want = (ref as unknown as Record<string, Float32Array>)[field];
        const bound = c.tolerance ? c.tolerance(field, want) : () => 0;
        expectWithin(got, want, bound, `${name} on ${v.name}, ${field} (${c.label})`);
        outputs.push(got);
      }
      const same = bits.get(v.group);
      if (!same) bits.set(v.group, outputs);
      else outputs.forEach((o, i) => expect(Array.from(o), `${name} on ${v.name}: same bits as its group (${c.label})`).toEqual(Array.from(same[i])));
    } finally {
      arena.dispose();
    }
  }
}

describe('every op on every engine against its reference', () => {
  for (const name of OP_NAMES) {
    it(name, async () => {
      const cases = casesByOp.get(name);
      if (!cases) throw new Error(`op ${name} has no conformance cases: add packages/core/test/ops/cases/<op-name>.ts`);
      await fc.assert(fc.asyncProperty(cases.cases, (c) => check(name, c)), { numRuns: cases.numRuns ?? 12 });
    });
  }

  it('has no case file for an op that is not registered', () => {
    expect([...casesByOp.keys()].filter((k) => !(OP_NAMES as readonly string[]).includes(k))).toEqual([]);
  });
});
