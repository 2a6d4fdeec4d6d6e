import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKEND_NAMES, createEngine, runReference, type Engine } from '@purevit/core';

/** An index that is no row number is an error where the op executes: the next read rejects, the engine goes on. */
describe('gatherRows with an index outside the rows', () => {
  let engines: Engine[] = [];
  beforeAll(async () => {
    engines = await Promise.all(BACKEND_NAMES.map((backend) => createEngine({ backend })));
  });
  afterAll(async () => {
    for (const e of engines) await e.dispose();
  });

  it('the reference throws naming the entry', () => {
    const args = { x: new Float32Array(6), index: Float32Array.of(0, 3), out: new Float32Array(4), batch: 1, rows: 3, count: 2, dim: 2 };
    expect(() => runReference('gatherRows', args)).toThrow(/gatherRows: index\[1\] = 3 is not a row number in 0..2/);
    expect(() => runReference('gatherRows', { ...args, index: Float32Array.of(0.5, 1) })).toThrow(/index\[0\] = 0.5/);
  });

  it('every engine rejects the next read, then serves again', async () => {
    for (const engine of engines) {
      const arena = engine.createArena();
      const x = arena.upload(Float32Array.of(1, 2, 3, 4, 5, 6)); // [1, 3, 2]
      const out = arena.alloc(4);
      engine.ops.gatherRows({ x, index: arena.upload(Float32Array.of(2, -1)), out, batch: 1, rows: 3, count: 2, dim: 2 });
      await expect(engine.read(out), engine.backend).rejects.toThrow(/gatherRows: index\[1\] = -1/);
      engine.ops.gatherRows({ x, index: arena.upload(Float32Array.of(2, 0)), out, batch: 1, rows: 3, count: 2, dim: 2 });
      expect([...(await engine.read(out))], engine.backend).toEqual([5, 6, 1, 2]);
      arena.dispose();
    }
  });
});
