import fc from 'fast-check';
import { ACTIVATION_NAMES } from '@purevit/core';
import { opCases, randomArray, relative, seed } from '../harness.js';

/** Every activation name, on long and short arrays (vector tails), in place or not, with NaN and infinities. */
export default opCases('activation', {
  numRuns: 30,
  cases: fc.record({
    name: fc.constantFrom(...ACTIVATION_NAMES), length: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.constant(40_007)), inPlace: fc.boolean(),
    specials: fc.boolean(), s: seed,
  }).map((c) => {
    const x = randomArray(c.length, c.s, 8);
    if (c.specials && c.length > 4) x.set([NaN, Infinity, -Infinity, 0]);
    return {
      label: JSON.stringify({ ...c, length: c.length }),
      build: (p) => {
        const xs = p.array(x);
        return { x: xs, out: c.inPlace ? xs : p.zeros(c.length), activation: c.name };
      },
      tolerance: relative(2e-6, 1e-6),
    };
  }),
});
