import { constants, deflateSync } from 'node:zlib';
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inflateZlib } from '@purevit/image/decode/png/inflate';
import { sameBytes } from '../helpers/golden.js';

const STRATEGIES = [constants.Z_DEFAULT_STRATEGY, constants.Z_FILTERED, constants.Z_HUFFMAN_ONLY, constants.Z_RLE, constants.Z_FIXED];

/** Random bytes with repeats, so deflate emits matches at many distances and lengths. */
const payload = fc
  .array(fc.oneof(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.record({ back: fc.integer({ min: 1, max: 300 }), len: fc.integer({ min: 1, max: 300 }) })), { maxLength: 60 })
  .map((parts) => {
    const out: number[] = [];
    for (const p of parts) {
      if (p instanceof Uint8Array) out.push(...p);
      else for (let i = 0; i < p.len && out.length > 0; i++) out.push(out[Math.max(0, out.length - p.back)]);
    }
    return Uint8Array.from(out);
  });

describe('inflateZlib against Node zlib', () => {
  it('round-trips every level and strategy', () => {
    fc.assert(
      fc.property(payload, fc.integer({ min: 0, max: 9 }), fc.constantFrom(...STRATEGIES), (data, level, strategy) => {
        const z = new Uint8Array(deflateSync(data, { level, strategy }));
        const { data: out, complete } = inflateZlib(z, data.length, true);
        expect(out).toEqual(data);
        expect(complete).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('large stored and compressed streams', () => {
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251 ^ (i >> 9));
    for (const level of [0, 1, 9]) {
      expect(sameBytes(inflateZlib(new Uint8Array(deflateSync(data, { level })), data.length, true).data, data)).toBe(true);
    }
  });

  it('stops at the output cap and reports an incomplete stream', () => {
    const data = new Uint8Array(5000).fill(7);
    const { data: out, complete } = inflateZlib(new Uint8Array(deflateSync(data)), 100);
    expect(out).toEqual(data.subarray(0, 100));
    expect(complete).toBe(false);
  });

  it('rejects a bad header, a bad checksum and a cut stream', () => {
    const z = new Uint8Array(deflateSync(Uint8Array.from({ length: 1000 }, (_, i) => i % 13)));
    const badHeader = z.slice();
    badHeader[0] = 0x79;
    expect(() => inflateZlib(badHeader, 1000)).toThrow(/bad zlib header/);
    const badSum = z.slice();
    badSum[badSum.length - 1] ^= 0xff;
    expect(() => inflateZlib(badSum, 1000)).toThrow(/Adler-32/);
    expect(() => inflateZlib(z.subarray(0, z.length - 8), 1000)).toThrow(/truncated/);
  });
});
