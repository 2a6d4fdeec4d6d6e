import fc from 'fast-check';
import { awkwardSize, opCases, randomArray, seed } from '../harness.js';

/** Class and register tokens or none, position embeddings covering the prefix or not (no_embed_class), or none. */
export default opCases('embedTokens', {
  cases: fc.record({
    batch: fc.integer({ min: 1, max: 3 }), prefix: fc.integer({ min: 0, max: 5 }), patches: awkwardSize(50), dim: awkwardSize(40),
    pos: fc.constantFrom('prefix', 'patches', 'none'), s: seed,
  }).map((c) => {
    const patches = randomArray(c.batch * c.patches * c.dim, c.s);
    const prefix = randomArray(c.prefix * c.dim, c.s + 1);
    const posRows = (c.pos === 'prefix' ? c.prefix : 0) + c.patches;
    const pos = randomArray(posRows * c.dim, c.s + 2);
    return {
      label: JSON.stringify(c),
      build: (p) => ({
        patches: p.array(patches), prefix: c.prefix > 0 ? p.array(prefix) : null, pos: c.pos === 'none' ? null : p.array(pos),
        posIncludesPrefix: c.pos === 'prefix', out: p.zeros(c.batch * (c.prefix + c.patches) * c.dim),
        batch: c.batch, prefixCount: c.prefix, patchCount: c.patches, dim: c.dim,
      }),
    };
  }),
});
