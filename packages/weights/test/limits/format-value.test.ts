import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundedMessage, ConfigError, formatList, formatValue, HubError, MAX_MESSAGE_LENGTH, SafetensorsError, WeightError, withErrorContext } from '@purevit/weights';

function nested(depth: number, make: (inner: unknown) => unknown): unknown {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = make(v);
  return v;
}

describe('formatValue: a short rendering of any value that never throws', () => {
  it('a 20 MB string: quoted, cut, its length noted', () => {
    const s = formatValue('7'.repeat(20_000_000));
    expect(s.length).toBeLessThanOrEqual(60);
    expect(s).toMatch(/^"7+…" \(20000000 chars\)$/);
  });

  it('5000-deep arrays and objects (JSON.stringify throws "Maximum call stack size exceeded" on deeper ones)', () => {
    for (const depth of [5000, 200_000]) {
      expect(formatValue(nested(depth, (x) => [x]))).toBe('[[[…]]]');
      expect(formatValue(nested(depth, (x) => ({ a: x })))).toBe('{"a": {"a": {…}}}');
    }
  });

  it('cycles, proxies that throw, getters that throw, bigints, symbols, functions', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(formatValue(cyclic)).toBe('{"a": 1, "self": {"a": 1, "self": {…}}}');
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('no'); }, get: () => { throw new Error('no'); } });
    expect(formatValue(hostile)).toBe('(unprintable value)');
    const getter = Object.defineProperty({}, 'x', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(formatValue(getter)).toBe('(unprintable value)');
    expect(formatValue(10n)).toBe('10n');
    expect(formatValue(Symbol('s'))).toBe('Symbol(s)');
    expect(formatValue(() => 1)).toBe('(function)');
    expect(formatValue([1, 2, 3, 4, 5, 6])).toBe('[1, 2, 3, 4, … 6 items]');
    expect(formatValue({ a: 1, b: 2, c: 3, d: 4, e: 5 })).toBe('{"a": 1, "b": 2, "c": 3, "d": 4, …}');
  });

  it('any value: at most the asked length, never throws', () => {
    fc.assert(
      fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true, maxDepth: 6 }), fc.integer({ min: 8, max: 200 }), (value, max) => {
        expect(formatValue(value, max).length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });
});

describe('bounded messages', () => {
  it('every error class clips its message to MAX_MESSAGE_LENGTH characters on one line', () => {
    const long = `line one\n${'x'.repeat(50_000)}`;
    for (const error of [new ConfigError('invalid_type', long), new HubError('http_error', long), new WeightError('invalid_entry', long), new SafetensorsError('invalid_entry', long, 'y'.repeat(10_000))]) {
      expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
      expect(error.message).toMatch(/^line one x+…$/);
    }
    expect(MAX_MESSAGE_LENGTH).toBeLessThan(300);
    expect(boundedMessage('short')).toBe('short');
  });

  it('withErrorContext keeps the class and code, prefixes the message, stays bounded', () => {
    const e = withErrorContext(new ConfigError('out_of_range', 'num_labels too large'), 'loading ViTModel from x');
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).code).toBe('out_of_range');
    expect(e.message).toBe('loading ViTModel from x: num_labels too large');
    expect(withErrorContext('z'.repeat(1e6), 'ctx').message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });

  it('formatList keeps both ends of a long list and says how many are hidden', () => {
    const names = Array.from({ length: 64 }, (_, i) => `architecture_${i}`);
    const text = formatList(names, 120);
    expect(text.length).toBeLessThanOrEqual(140);
    expect(text).toMatch(/^architecture_0, .* … \((\d+) more\), .*architecture_63$/);
    const hidden = Number(/\((\d+) more\)/.exec(text)![1]);
    expect(text.split(', ').length - 1 + hidden).toBe(64);
    expect(formatList(['a', 'b'])).toBe('a, b');
  });
});
