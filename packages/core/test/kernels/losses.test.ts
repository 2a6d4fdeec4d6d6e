import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bceWithLogits, bceWithLogitsReference, crossEntropy, crossEntropyReference, mseLoss, mseLossReference } from '@purevit/core';
import { randomArray, seed } from '../helpers/random.js';

describe('losses', () => {
  it('crossEntropy matches the reference, with int64 targets and ignore_index', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 30 }), seed, (rows, classes, s) => {
        const logits = randomArray(rows * classes, s, 20);
        const targets = Array.from({ length: rows }, (_, r) => (r % 5 === 3 ? -100 : (r * 7 + s) % classes));
        const a = crossEntropy(logits, rows, classes, BigInt64Array.from(targets.map(BigInt)));
        const e = crossEntropyReference(logits, rows, classes, targets);
        if (Number.isNaN(e)) expect(a).toBeNaN();
        else expect(Math.abs(a - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e)));
      }),
      { numRuns: 50 },
    );
  });

  it('crossEntropy of uniform logits is log(classes); bad targets are rejected', () => {
    expect(crossEntropy(new Float32Array(10), 2, 5, [1, 4])).toBeCloseTo(Math.log(5), 12);
    expect(crossEntropy(Float32Array.of(1e4, 0), 1, 2, [0])).toBeCloseTo(0, 12);
    expect(() => crossEntropy(new Float32Array(10), 2, 5, [1, 5])).toThrow(/target 5 of row 1 is outside 0..4/);
  });

  it('mseLoss and bceWithLogits match the references and stay finite for large logits', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), seed, fc.constantFrom(1, 50, 1e4), (n, s, scale) => {
        const a = randomArray(n, s, scale);
        const b = randomArray(n, s + 1).map((v) => (v + 1) / 2);
        expect(Math.abs(mseLoss(a, b) - mseLossReference(a, b))).toBeLessThanOrEqual(1e-12 * Math.max(1, mseLossReference(a, b)));
        const bce = bceWithLogits(a, b);
        expect(Number.isFinite(bce)).toBe(true);
        expect(Math.abs(bce - bceWithLogitsReference(a, b))).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(bce)));
      }),
      { numRuns: 40 },
    );
    // log(1 + e^0) = log 2 for logit 0, whatever the target.
    expect(bceWithLogits(Float32Array.of(0, 0), Float32Array.of(0, 1))).toBeCloseTo(Math.LN2, 12);
  });
});
