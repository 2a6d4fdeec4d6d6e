import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { f32, i32, ModuleBuilder, sleb128, uleb128, v128 } from '../../src/backends/wasm/module-builder.js';
import { emitKernelModule, wasmSimdSupported } from '../../src/backends/wasm/kernel-module.js';

function decodeUleb(bytes: number[]): number {
  let v = 0;
  for (let i = bytes.length - 1; i >= 0; i--) v = v * 128 + (bytes[i] & 0x7f);
  return v;
}

function decodeSleb(bytes: number[]): number {
  const v = decodeUleb(bytes);
  const bits = 7 * bytes.length;
  return (bytes[bytes.length - 1] & 0x40) !== 0 ? v - 2 ** bits : v;
}

function instantiate(mod: ModuleBuilder, memory?: WebAssembly.Memory): Record<string, (...args: number[]) => number> {
  const bytes = mod.encode();
  expect(WebAssembly.validate(bytes)).toBe(true);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), memory ? { env: { memory } } : {});
  return instance.exports as unknown as Record<string, (...args: number[]) => number>;
}

describe('LEB128', () => {
  it('encodes the spec / DWARF examples', () => {
    expect(uleb128(0)).toEqual([0]);
    expect(uleb128(127)).toEqual([0x7f]);
    expect(uleb128(128)).toEqual([0x80, 0x01]);
    expect(uleb128(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb128(-1)).toEqual([0x7f]);
    expect(sleb128(63)).toEqual([0x3f]);
    expect(sleb128(64)).toEqual([0xc0, 0x00]);
    expect(sleb128(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });

  it('round-trips', () => {
    fc.assert(fc.property(fc.nat({ max: 2 ** 32 }), (v) => decodeUleb(uleb128(v)) === v));
    fc.assert(fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (v) => decodeSleb(sleb128(v)) === v));
  });

  it('rejects values it cannot encode', () => {
    expect(() => uleb128(-1)).toThrow(RangeError);
    expect(() => uleb128(1.5)).toThrow(RangeError);
  });
});

describe('ModuleBuilder', () => {
  it('emits a function with a loop and branches', () => {
    const mod = new ModuleBuilder();
    // sum of i for i in [0, n) with odd i skipped via `next`
    mod.function('sumEven', [i32], [i32], (f) => {
      const [n] = f.paramList();
      const i = f.local(i32);
      const s = f.local(i32);
      f.forRange(i, (g) => g.i32Const(0), (g) => g.get(n), 1, (_brk, next) => {
        f.get(i).i32Const(1).i32And().brIf(next);
        f.get(s).get(i).i32Add().set(s);
      });
      f.get(s);
    });
    const { sumEven } = instantiate(mod);
    expect(sumEven(10)).toBe(0 + 2 + 4 + 6 + 8);
    expect(sumEven(0)).toBe(0);
  });

  it('emits SIMD over an imported memory', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const mod = new ModuleBuilder().importMemory({ module: 'env', name: 'memory', minPages: 1, shared: false });
    // out[0..4] = a[0..4] * splat(s) + b[0..4]
    mod.function('axpy4', [i32, f32, i32, i32], [], (f) => {
      const [a, s, b, out] = f.paramList();
      const t = f.local(v128);
      f.get(a).v128Load().get(s).f32x4Splat().f32x4Mul().set(t);
      f.get(out).get(t).get(b).v128Load().f32x4Add().v128Store();
    });
    const { axpy4 } = instantiate(mod, memory);
    const view = new Float32Array(memory.buffer);
    view.set([1, 2, 3, 4], 0);
    view.set([10, 20, 30, 40], 4);
    axpy4(0, 0.5, 16, 32);
    expect(Array.from(view.subarray(8, 12))).toEqual([10.5, 21, 31.5, 42]);
  });

  it('refuses unbalanced or misdirected branches', () => {
    const mod = new ModuleBuilder();
    expect(() =>
      mod.function('bad', [], [], (f) => {
        let outer: Parameters<typeof f.br>[0] | null = null;
        f.block((l) => (outer = l));
        f.br(outer as unknown as Parameters<typeof f.br>[0]);
      }),
    ).toThrow(/not enclosing/);
  });

  it('emits a kernel module that validates, shared and unshared', () => {
    expect(WebAssembly.validate(emitKernelModule({ shared: true }))).toBe(true);
    expect(WebAssembly.validate(emitKernelModule({ shared: false }))).toBe(true);
    expect(WebAssembly.validate(emitKernelModule({ shared: false, tiling: { mr: 3, nr: 12, kc: 64, mc: 9, unroll: 3 } }))).toBe(true);
    expect(wasmSimdSupported()).toBe(true);
  });
});
