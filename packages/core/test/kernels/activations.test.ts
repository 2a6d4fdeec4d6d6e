import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_NAMES, activationKind, activationReference, expf, type ActivationKind } from '@purevit/core';
import { activationRange } from '../../src/backends/js/kernels/activations.js';
import { expectClose, randomArray, seed } from '../helpers/random.js';

/** The 'js' backend's activation `kind` over the whole array. */
const fastOf = (kind: ActivationKind) => (x: Float32Array, out: Float32Array): void => activationRange(kind, x, out, 0, x.length);
const refOf = (name: string) => (x: Float32Array, out: Float32Array): void => activationReference(name, x, out);
const applyActivation = (name: string, x: Float32Array, out: Float32Array): void => fastOf(activationKind(name))(x, out);
const geluErf = fastOf('geluErf'), geluTanh = fastOf('geluTanh'), quickGelu = fastOf('quickGelu'), silu = fastOf('silu');

const pairs = [
  ['geluErf', geluErf, refOf('gelu')],
  ['geluTanh', geluTanh, refOf('gelu_new')],
  ['quickGelu', quickGelu, refOf('quick_gelu')],
  ['relu', fastOf('relu'), refOf('relu')],
  ['silu', silu, refOf('silu')],
  ['tanh', fastOf('tanh'), refOf('tanh')],
  ['sigmoid', fastOf('sigmoid'), refOf('sigmoid')],
] as const;

const special = Float32Array.of(0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 0.5, -0.5, 1.41421, -1.41421, 1.4142137, -1.4142137, 3, -3, 8, -8,
  15, -15, 30, -30, 100, -100, 1e4, -1e4, 3e38, -3e38, Infinity, -Infinity, NaN);

describe('expf', () => {
  it('is float32-accurate against Math.exp over the float32 range', () => {
    for (let x = -103; x <= 88.7; x += 0.0137) {
      const e = Math.exp(x);
      expect(Math.abs(expf(x) - e), `x=${x}`).toBeLessThanOrEqual(1e-8 * e);
    }
    expect(expf(-Infinity)).toBe(0);
    expect(expf(-200)).toBe(0);
    expect(expf(Infinity)).toBe(Infinity);
    expect(expf(100)).toBe(Infinity);
    expect(expf(NaN)).toBeNaN();
    expect(expf(0)).toBe(1);
  });
});

describe('activations: fast vs reference', () => {
  for (const [name, fast, ref] of pairs) {
    it(`${name} matches its reference on random inputs and special values`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 600 }), seed, fc.constantFrom(0.5, 3, 12, 60), (n, s, scale) => {
          const x = randomArray(n, s, scale);
          const a = new Float32Array(n);
          const e = new Float32Array(n);
          fast(x, a);
          ref(x, e);
          // atol: the references compute 0.5·x·(1 + erf|tanh) as torch writes it, which cancels to ~1e-16·|x|
          // for very negative x where the fast kernels use erfc / a sigmoid and stay accurate.
          expectClose(a, e, 2e-7, 1e-13, name);
        }),
        { numRuns: 40 },
      );
      const a = new Float32Array(special.length);
      const e = new Float32Array(special.length);
      fast(special, a);
      ref(special, e);
      expectClose(a, e, 2e-7, 1e-13, `${name} special`);
    });
  }

  it('works in place (out aliases x)', () => {
    const x = randomArray(257, 7, 5);
    const expected = new Float32Array(257);
    refOf('gelu')(x, expected);
    geluErf(x, x);
    expectClose(x, expected, 2e-7, 1e-30);
  });

  it('GELU (erf) agrees with its defining formula at points where erf is known in closed form', () => {
    // gelu(0) = 0; gelu(x) -> x for large x; gelu(-x) = gelu(x) - x (erf is odd).
    const x = randomArray(1000, 3, 6);
    const pos = new Float32Array(1000);
    const neg = new Float32Array(1000);
    geluErf(x, pos);
    geluErf(x.map((v) => -v), neg);
    for (let i = 0; i < 1000; i++) expect(Math.abs(neg[i] - (pos[i] - x[i]))).toBeLessThanOrEqual(4e-7 * Math.max(1, Math.abs(x[i])));
  });

  it('applyActivation covers every HF and timm name and matches the reference', () => {
    const x = randomArray(301, 11, 8);
    for (const name of ACTIVATION_NAMES) {
      const a = new Float32Array(301);
      const e = new Float32Array(301);
      applyActivation(name, x, a);
      activationReference(name, x, e);
      expectClose(a, e, 3e-7, 1e-13, name);
    }
    for (const name of ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'gelu_fast', 'quick_gelu', 'relu', 'silu', 'swish', 'tanh', 'sigmoid', 'gelu_python', 'gelu_tanh']) {
      expect(ACTIVATION_NAMES).toContain(name);
    }
  });

  it('maps names to the right functions', () => {
    const x = randomArray(64, 5, 4);
    const check = (name: string, fn: (x: Float32Array, out: Float32Array) => void): void => {
      const a = new Float32Array(64);
      const b = new Float32Array(64);
      applyActivation(name, x, a);
      fn(x, b);
      expect(Array.from(a)).toEqual(Array.from(b));
    };
    check('gelu', geluErf);
    check('gelu_python', geluErf);
    check('gelu_new', geluTanh);
    check('gelu_pytorch_tanh', geluTanh);
    check('gelu_tanh', geluTanh);
    check('quick_gelu', quickGelu);
    check('swish', silu);
    check('silu', silu);
  });

  it('rejects unknown names with the list of supported ones', () => {
    expect(() => applyActivation('selu', new Float32Array(1), new Float32Array(1))).toThrow(/unknown activation "selu"; supported: gelu, .*quick_gelu/);
  });
});
