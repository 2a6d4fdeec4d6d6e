/**
 * Every engine kernel against core's references on random awkward shapes, through every path: the 'js'
 * engine (the TypeScript kernels), and the 'wasm' engine on 1 and 2 threads, awaiting or blocking on its
 * workers, with a shared heap or unshared ones, operands in engine memory or staged. All 'wasm' paths
 * must give the same bits.
 */

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applyActivationReference, attentionReference, conv2dReference, createEngine, layerNormReference, linearReference, patchEmbedReference,
  softmaxReference, type ActivationName, type Arena, type AttentionIO, type Engine,
} from '@purevit/core';
import { WasmEngine } from '../../src/engine/wasm-engine.js';
import { awkwardSize, expectClose, randomArray, seed } from '../helpers/random.js';
import { gamma } from '../wasm/float64.js';

function expectWithin(got: Float32Array, want: Float32Array, bound: (i: number) => number, what: string): void {
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= bound(i))) throw new Error(`${what}[${i}]: ${got[i]} vs ${want[i]} (bound ${bound(i)})`);
  }
}

interface Lane {
  name: string;
  engine: Engine;
  arena: Arena;
}

const lanes: Lane[] = [];

beforeAll(async () => {
  const engines: Array<[string, Engine]> = [
    ['js', await createEngine({ backend: 'js' })],
    ['wasm 1 thread', await createEngine({ backend: 'wasm', threads: 1, relaxedSimd: false })],
    ['wasm 2 threads', await createEngine({ backend: 'wasm', threads: 2, relaxedSimd: false })],
    ['wasm 2 threads, awaited', await WasmEngine.create({ threads: 2, relaxedSimd: false, blocking: false })],
    ['wasm unshared', await WasmEngine.create({ shared: false, relaxedSimd: false })],
  ];
  for (const [name, engine] of engines) lanes.push({ name, engine, arena: engine.createArena({ bytes: 32 << 20 }) });
});

afterAll(async () => {
  for (const l of lanes) {
    l.arena.dispose();
    await l.engine.dispose();
  }
});

/** `values` in the lane's engine memory (or, when `inArena` is false, a plain array the engine must stage). */
function place(lane: Lane, values: Float32Array, inArena: boolean): Float32Array {
  return inArena ? lane.arena.copy(values) : values.slice();
}

/** Runs `run` on every lane and checks: each result against `check`, and every 'wasm' result bit-identical to the first. */
async function acrossLanes(run: (lane: Lane) => Promise<Float32Array>, check: (result: Float32Array, lane: Lane) => void): Promise<void> {
  let wasm: Float32Array | null = null;
  for (const lane of lanes) {
    const result = await run(lane);
    check(result, lane);
    if (lane.engine.backend !== 'wasm') continue;
    if (!wasm) wasm = result;
    else expect(Array.from(result), lane.name).toEqual(Array.from(wasm));
  }
}

describe('createEngine', () => {
  it('defaults to the wasm backend, relaxed-SIMD FMA (Node 20: V8\'s flag set by createEngine), every hardware thread, shared memory', async () => {
    const engine = await createEngine();
    try {
      const { availableParallelism } = await import('node:os');
      expect(engine.describe()).toEqual({ backend: 'wasm', simd: 'relaxed', threads: availableParallelism(), sharedMemory: true });
    } finally {
      await engine.dispose();
    }
  });

  it('describes what each lane got', () => {
    expect(lanes.map((l) => [l.name, l.engine.describe()])).toEqual([
      ['js', { backend: 'js', simd: null, threads: 1, sharedMemory: true }],
      ['wasm 1 thread', { backend: 'wasm', simd: 'plain', threads: 1, sharedMemory: true }],
      ['wasm 2 threads', { backend: 'wasm', simd: 'plain', threads: 2, sharedMemory: true }],
      ['wasm 2 threads, awaited', { backend: 'wasm', simd: 'plain', threads: 2, sharedMemory: true }],
      ['wasm unshared', { backend: 'wasm', simd: 'plain', threads: 1, sharedMemory: false }],
    ]);
  });

  // Relaxed SIMD where the engine does not validate it: relaxed-simd-default.test.ts (a process whose V8 flag is still off).
  it('rejects bad options', async () => {
    await expect(createEngine({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(createEngine({ backend: 'gpu' as 'js' })).rejects.toThrow(/unknown backend "gpu"/);
    await expect(createEngine({ backend: 'js', relaxedSimd: true })).rejects.toThrow(/wasm/);
  });

  it('refuses a layer prepared by another engine, and use after dispose', async () => {
    const [js, wasm] = [lanes[0], lanes[1]];
    const layer = wasm.arena.prepareLinear(new Float32Array(6), null, 2, 3);
    await expect(js.engine.linear(new Float32Array(3), 1, layer, new Float32Array(2))).rejects.toThrow(/another engine/);
    const engine = await createEngine({ backend: 'wasm', threads: 2 });
    const arena = engine.createArena();
    const l = arena.prepareLinear(new Float32Array(6), null, 2, 3);
    await engine.dispose();
    await expect(engine.linear(new Float32Array(3), 1, l, new Float32Array(2))).rejects.toThrow(/disposed/);
    expect(() => arena.alloc(4)).toThrow(/disposed/);
  });
});

describe('engine arenas', () => {
  it('an unshared engine gives a big arena a heap of its own, sized for it; the kernels find it', async () => {
    const engine = await WasmEngine.create({ shared: false, relaxedSimd: false });
    try {
      const small = engine.createArena({ bytes: 1 << 20 });
      const big = engine.createArena({ bytes: 96 << 20 });
      const a = small.alloc(16), b = big.alloc(24 << 20); // 96 MiB of floats: only the big arena's heap holds it
      expect(a.buffer).not.toBe(b.buffer);
      const x = big.copy(randomArray(3 * 5, 1)), out = big.alloc(3 * 5);
      await engine.softmax(x, 3, 5, out);
      const want = new Float32Array(15);
      softmaxReference(x, 3, 5, want);
      expectClose(out, want, 1e-6, 1e-7, 'softmax in the big arena');
      expect(big.bytes).toBeGreaterThanOrEqual(96 << 20);
      big.dispose();
      expect(big.bytes).toBe(0);
      // Freed space is reused by the next arena of that size instead of a new heap.
      const again = engine.createArena({ bytes: 96 << 20 });
      expect(again.alloc(16).buffer).toBe(b.buffer);
      expect(small.tryAlloc(1 << 30)).toBeNull();
    } finally {
      await engine.dispose();
    }
  });
});

describe('engine kernels vs the references', () => {
  it('linear: bias, fused and TypeScript-only activations, residual (also `out` itself), row strides', async () => {
    const acts: Array<ActivationName | undefined> = [undefined, 'gelu', 'gelu_new', 'quick_gelu', 'relu', 'silu', 'tanh', 'relu6'];
    await fc.assert(
      fc.asyncProperty(
        awkwardSize(24), awkwardSize(70), awkwardSize(40), seed, fc.boolean(), fc.constantFrom(...acts), fc.constantFrom('none', 'other', 'out'),
        fc.integer({ min: 0, max: 3 }), fc.boolean(),
        async (rows, inF, outF, s, hasBias, activation, residualKind, pad, inArena) => {
          const [ldx, ldo] = [inF + pad, outF + 2 * pad];
          const x = randomArray(rows * ldx, s, 2);
          const w = randomArray(outF * inF, s + 1, 1);
          const b = hasBias ? randomArray(outF, s + 2) : null;
          const res = randomArray(rows * ldo, s + 3);
          // Truth: the dense reference on the gathered rows.
          const dense = new Float32Array(rows * inF);
          for (let r = 0; r < rows; r++) dense.set(x.subarray(r * ldx, r * ldx + inF), r * inF);
          const want = new Float32Array(rows * outF);
          linearReference(dense, rows, w, b, outF, inF, want);
          if (activation) applyActivationReference(activation, want, want);
          const mag = new Float64Array(rows * outF);
          for (let r = 0; r < rows; r++) {
            for (let o = 0; o < outF; o++) {
              let m = b ? Math.abs(b[o]) : 0;
              for (let i = 0; i < inF; i++) m += Math.abs(dense[r * inF + i] * w[o * inF + i]);
              mag[r * outF + o] = m;
              if (residualKind !== 'none') want[r * outF + o] += res[r * ldo + o];
            }
          }
          await acrossLanes(
            async (lane) => {
              const layer = lane.arena.prepareLinear(w, b, outF, inF);
              const xs = place(lane, x, inArena);
              const out = place(lane, residualKind === 'out' ? res : new Float32Array(rows * ldo), inArena);
              const residual = residualKind === 'other' ? place(lane, res, inArena) : residualKind === 'out' ? out : null;
              await lane.engine.linear(xs, rows, layer, out, { activation, residual, ldx, ldo, ldr: ldo });
              const got = new Float32Array(rows * outF);
              for (let r = 0; r < rows; r++) got.set(out.subarray(r * ldo, r * ldo + outF), r * outF);
              return got;
            },
            (got, lane) => {
              for (let i = 0; i < got.length; i++) {
                const tol = 1e-6 * mag[i] + 2e-6 * Math.abs(want[i]) + 1e-6;
                if (!(Math.abs(got[i] - want[i]) <= tol)) throw new Error(`${lane.name} linear[${i}]: ${got[i]} vs ${want[i]}`);
              }
            },
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('layerNorm (in place too) and softmax (±1e4, -Infinity rows)', async () => {
    await fc.assert(
      fc.asyncProperty(awkwardSize(40), awkwardSize(300), seed, fc.boolean(), fc.boolean(), async (rows, dim, s, inPlace, inArena) => {
        const x = randomArray(rows * dim, s, 3);
        const weight = randomArray(dim, s + 1), bias = randomArray(dim, s + 2);
        const want = new Float32Array(rows * dim);
        layerNormReference(x, rows, dim, weight, bias, 1e-6, want);
        await acrossLanes(async (lane) => {
          const xs = place(lane, x, inArena);
          const out = inPlace ? xs : place(lane, new Float32Array(rows * dim), inArena);
          await lane.engine.layerNorm(xs, rows, dim, place(lane, weight, inArena), place(lane, bias, inArena), 1e-6, out);
          return out.slice();
        }, (got, lane) => expectClose(got, want, 1e-5, 2e-5, `${lane.name} layerNorm`));

        const scores = randomArray(rows * dim, s + 3, 1e4);
        if (rows > 1) scores.fill(-Infinity, 0, dim);
        const sm = new Float32Array(rows * dim);
        softmaxReference(scores, rows, dim, sm);
        await acrossLanes(async (lane) => {
          const xs = place(lane, scores, inArena);
          const out = inPlace ? xs : place(lane, new Float32Array(rows * dim), inArena);
          await lane.engine.softmax(xs, rows, dim, out);
          return out.slice();
        }, (got, lane) => expectClose(got, sm, 1e-5, 1e-7, `${lane.name} softmax`));
      }),
      { numRuns: 20 },
    );
  });

  it('layerNorm of a constant row is exactly the bias, whatever eps; a row with a large mean keeps its small deviations', async () => {
    const dim = 67;
    const weight = randomArray(dim, 5), bias = randomArray(dim, 6);
    const x = new Float32Array(3 * dim);
    x.fill(3.7, 0, dim);
    const wobble = randomArray(dim, 7, 0.1);
    for (let j = 0; j < dim; j++) x[dim + j] = 300 + wobble[j];
    x.fill(-1e30, 2 * dim, 3 * dim);
    const want = new Float32Array(3 * dim);
    layerNormReference(x, 3, dim, weight, bias, 1e-12, want);
    await acrossLanes(async (lane) => {
      const out = lane.arena.alloc(3 * dim);
      await lane.engine.layerNorm(lane.arena.copy(x), 3, dim, weight, bias, 1e-12, out);
      return out.slice();
    }, (got, lane) => {
      expect(Array.from(got.subarray(0, dim)), lane.name).toEqual(Array.from(bias));
      expect(Array.from(got.subarray(2 * dim)), lane.name).toEqual(Array.from(bias));
      expectClose(got.subarray(dim, 2 * dim), want.subarray(dim, 2 * dim), 1e-3, 1e-3, `${lane.name} large mean`);
    });
  });

  it('activations by config name (WASM epilogue ones and TypeScript-only ones)', async () => {
    const names: ActivationName[] = ['gelu', 'gelu_new', 'quick_gelu', 'relu', 'silu', 'sigmoid', 'tanh', 'mish', 'relu6'];
    for (const name of names) {
      const x = randomArray(40_000 + 7, names.indexOf(name) + 1, 8);
      const want = new Float32Array(x.length);
      applyActivationReference(name, x, want);
      await acrossLanes(async (lane) => {
        const xs = place(lane, x, true);
        await lane.engine.activation(name, xs, xs);
        return xs.slice();
      }, (got, lane) => expectClose(got, want, 2e-6, 1e-6, `${lane.name} ${name}`));
    }
  });

  it('attention, fused and eager (head mask, probabilities), on fused-qkv views', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), awkwardSize(150), fc.constantFrom(1, 7, 16, 64), seed, fc.boolean(),
        async (batch, heads, tokens, headDim, s, inArena) => {
          const width = heads * headDim;
          const qkv = randomArray(batch * tokens * 3 * width, s, 2);
          const io = (q: Float32Array, out: Float32Array): AttentionIO => ({
            q, qOffset: 0, qRowStride: 3 * width, k: q, kOffset: width, kRowStride: 3 * width, v: q, vOffset: 2 * width, vRowStride: 3 * width, out, outRowStride: width,
          });
          const shape = { batch, heads, queryLen: tokens, keyLen: tokens, headDim };
          const want = new Float32Array(batch * tokens * width);
          const headMask = randomArray(heads, s + 1);
          const wantMasked = new Float32Array(want.length);
          const wantProbs = new Float32Array(batch * heads * tokens * tokens);
          attentionReference(io(qkv, want), shape);
          attentionReference(io(qkv, wantMasked), shape, { headMask, probs: wantProbs });
          await acrossLanes(async (lane) => {
            const out = place(lane, new Float32Array(want.length), inArena);
            await lane.engine.attentionFused(io(place(lane, qkv, inArena), out), shape);
            return out.slice();
          }, (got, lane) => expectClose(got, want, 2e-5, 2e-5, `${lane.name} fused`));
          await acrossLanes(async (lane) => {
            const out = place(lane, new Float32Array(want.length), inArena);
            const probs = new Float32Array(wantProbs.length);
            await lane.engine.attentionEager(io(place(lane, qkv, inArena), out), shape, { headMask, probs });
            expectClose(probs, wantProbs, 2e-5, 2e-6, `${lane.name} probs`);
            return Float32Array.from([...out, ...probs]);
          }, (got, lane) => expectClose(got.subarray(0, want.length), wantMasked, 2e-5, 2e-5, `${lane.name} eager`));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('conv2d (NCHW, and channels-last with a fused residual): strides, paddings, dilations, groups, pointwise', async () => {
    const convCase = fc.record({
      n: fc.integer({ min: 1, max: 2 }), groups: fc.constantFrom(1, 1, 2, 3), cg: fc.integer({ min: 1, max: 5 }), og: fc.integer({ min: 1, max: 7 }),
      h: fc.integer({ min: 1, max: 13 }), w: fc.integer({ min: 1, max: 13 }), k: fc.constantFrom(1, 1, 2, 3, 7),
      stride: fc.constantFrom(1, 2), padding: fc.constantFrom(0, 1, 3), dilation: fc.constantFrom(1, 2), bias: fc.boolean(), seed,
    });
    await fc.assert(
      fc.asyncProperty(convCase, async (k) => {
        const [c, o] = [k.cg * k.groups, k.og * k.groups];
        fc.pre(k.h + 2 * k.padding >= k.dilation * (k.k - 1) + 1 && k.w + 2 * k.padding >= k.dilation * (k.k - 1) + 1);
        const xShape = [k.n, c, k.h, k.w], wShape = [o, k.cg, k.k, k.k];
        const options = { stride: k.stride, padding: k.padding, dilation: k.dilation, groups: k.groups };
        const x = randomArray(k.n * c * k.h * k.w, k.seed), w = randomArray(o * k.cg * k.k * k.k, k.seed + 1);
        const b = k.bias ? randomArray(o, k.seed + 2) : null;
        const oh = Math.floor((k.h + 2 * k.padding - k.dilation * (k.k - 1) - 1) / k.stride) + 1;
        const ow = Math.floor((k.w + 2 * k.padding - k.dilation * (k.k - 1) - 1) / k.stride) + 1;
        const want = new Float32Array(k.n * o * oh * ow);
        conv2dReference(x, xShape, w, wShape, b, want, options);
        // Float32 accumulation over kk = cg·k² products: within γ_kk·Σ|x·w| (the same conv on absolute values).
        const mag = new Float32Array(want.length);
        conv2dReference(x.map(Math.abs), xShape, w.map(Math.abs), wShape, b && b.map(Math.abs), mag, options);
        const bound = (i: number): number => gamma(k.cg * k.k * k.k + 2) * mag[i] + 1e-7;
        await acrossLanes(async (lane) => {
          const conv = lane.arena.prepareConv2d(w, wShape, b, options);
          const out = new Float32Array(want.length);
          await lane.engine.conv2d(x, xShape, conv, out);
          return out;
        }, (got, lane) => expectWithin(got, want, bound, `${lane.name} conv2d`));

        // Channels-last with `out += residual` in place, then ReLU6 (a TypeScript-only activation).
        const nhwc = new Float32Array(x.length);
        for (let n = 0; n < k.n; n++) for (let ci = 0; ci < c; ci++) for (let p = 0; p < k.h * k.w; p++) nhwc[(n * k.h * k.w + p) * c + ci] = x[(n * c + ci) * k.h * k.w + p];
        const res = randomArray(want.length, k.seed + 3);
        const nchwIndex = (i: number): number => {
          const oc = i % o, p = Math.floor(i / o) % (oh * ow), n = Math.floor(i / (o * oh * ow));
          return (n * o + oc) * oh * ow + p;
        };
        const wantNhwc = new Float32Array(want.length);
        for (let n = 0; n < k.n; n++) {
          for (let oc = 0; oc < o; oc++) {
            for (let p = 0; p < oh * ow; p++) {
              const v = Math.min(6, Math.max(0, want[(n * o + oc) * oh * ow + p]));
              wantNhwc[(n * oh * ow + p) * o + oc] = v + res[(n * oh * ow + p) * o + oc];
            }
          }
        }
        await acrossLanes(async (lane) => {
          const conv = lane.arena.prepareConv2d(w, wShape, b, options);
          const out = place(lane, res, true);
          await lane.engine.conv2dNhwc(place(lane, nhwc, true), [k.n, k.h, k.w, c], conv, out, { activation: 'relu6', residual: out });
          return out.slice();
        }, (got, lane) => expectWithin(got, wantNhwc, (i) => 4 * bound(nchwIndex(i)) + 1e-6, `${lane.name} conv2dNhwc`));
      }),
      { numRuns: 30 },
    );
  });

  it('patchEmbed, token-major with room for prefix tokens', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }),
        fc.constantFrom(1, 2, 4, 7), awkwardSize(20), fc.integer({ min: 0, max: 2 }), seed,
        async (n, c, h, w, p, dim, prefix, s) => {
          fc.pre(h >= p && w >= p);
          const [gh, gw] = [Math.floor(h / p), Math.floor(w / p)];
          const x = randomArray(n * c * h * w, s), wt = randomArray(dim * c * p * p, s + 1), b = randomArray(dim, s + 2);
          const tokens = new Float32Array(n * gh * gw * dim);
          patchEmbedReference(x, [n, c, h, w], wt, b, p, tokens);
          const mag = new Float32Array(tokens.length);
          patchEmbedReference(x.map(Math.abs), [n, c, h, w], wt.map(Math.abs), b.map(Math.abs), p, mag);
          const stride = prefix + gh * gw;
          await acrossLanes(async (lane) => {
            const embed = lane.arena.preparePatchEmbed(wt, b, dim, c, [p, p]);
            const out = place(lane, new Float32Array(n * stride * dim), true);
            await lane.engine.patchEmbed(x, [n, c, h, w], embed, out, { tokenStride: stride, tokenOffset: prefix });
            const got = new Float32Array(tokens.length);
            for (let i = 0; i < n; i++) got.set(out.subarray((i * stride + prefix) * dim, (i + 1) * stride * dim), i * gh * gw * dim);
            return got;
          }, (got, lane) => expectWithin(got, tokens, (i) => gamma(c * p * p + 2) * mag[i] + 1e-7, `${lane.name} patchEmbed`));
        },
      ),
      { numRuns: 20 },
    );
  });
});
