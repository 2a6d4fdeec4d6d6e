import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { FMA_TILING, type GemmTiling } from '../../src/backends/wasm/emit-gemm.js';
import { emitKernelModule, relaxedSimdSupported } from '../../src/backends/wasm/kernel-module.js';
import { packedLength, packTransposedInto } from '../../src/backends/wasm/packing.js';
import { gamma, randomFloats } from './float64.js';

interface Run {
  module: Uint8Array;
  m: number;
  k: number;
  n: number;
  a: Float32Array;
  packed: Float32Array;
}

/**
 * Runs the exported gemm of `run.module` over a fresh unshared memory: A at 64, packed B after it, C after
 * that, scratch last. Plain JS, so it can also run in a child Node started with the relaxed-simd flag.
 */
const RUNNER = `
export function runGemm({ module, m, k, n, a, packed, nr, mr }) {
  const aBytes = a.length * 4, bBytes = packed.length * 4, cBytes = m * n * 4;
  const pages = Math.ceil((64 + aBytes + bBytes + cBytes + mr * nr * 4 + 256) / 65536);
  const memory = new WebAssembly.Memory({ initial: pages });
  const { exports } = new WebAssembly.Instance(new WebAssembly.Module(module), { env: { memory } });
  const f32 = new Float32Array(memory.buffer);
  const A = 64, B = A + aBytes, C = B + bBytes, S = C + cBytes;
  f32.set(a, A / 4);
  f32.set(packed, B / 4);
  exports.gemm(A, k, B, k, C, n, 0, m, 0, Math.ceil(n / nr), n, 0, 0, 0, 0, S);
  return Array.from(f32.subarray(C / 4, C / 4 + m * n));
}`;

function runHere(run: Run, t: GemmTiling): number[] {
  const runner = new Function(`${RUNNER.replace('export ', '')}; return runGemm;`)() as (args: object) => number[];
  return runner({ ...run, nr: t.nr, mr: t.mr });
}

/** Runs in a child `node --experimental-wasm-relaxed-simd` (Node 20 has relaxed-simd only behind that flag). */
function runInChild(run: Run, t: GemmTiling): number[] {
  const input = JSON.stringify({
    module: Buffer.from(run.module).toString('base64'), m: run.m, k: run.k, n: run.n, nr: t.nr, mr: t.mr,
    a: Array.from(run.a), packed: Array.from(run.packed),
  });
  const script = `${RUNNER}
let text = '';
process.stdin.on('data', (d) => (text += d));
process.stdin.on('end', () => {
  const args = JSON.parse(text);
  args.module = Buffer.from(args.module, 'base64');
  process.stdout.write(JSON.stringify(runGemm(args)));
});`;
  const child = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--input-type=module', '-e', script], { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) throw new Error(`child node failed: ${child.stderr}`);
  return JSON.parse(child.stdout) as number[];
}

describe('relaxed-simd FMA GEMM', () => {
  it('matches float64 within γ_k·Σ|a||b| (in this engine, or in a child Node with the relaxed-simd flag)', () => {
    const tilings: GemmTiling[] = [FMA_TILING, { mr: 6, nr: 8, kc: 5, mc: 12, unroll: 1, fma: true }];
    for (const t of tilings) {
      for (const [m, k, n] of [[1, 1, 1], [7, 13, 17], [13, 40, 9], [25, 33, 50]]) {
        const a = randomFloats(m * k, m + k), w = randomFloats(n * k, n * 7);
        const packed = new Float32Array(packedLength(k, n, t.nr));
        packTransposedInto(w, n, k, t.nr, packed);
        const run: Run = { module: emitKernelModule({ shared: false, tiling: t }), m, k, n, a, packed };
        const c = relaxedSimdSupported() ? runHere(run, t) : runInChild(run, t);
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let dot = 0, abs = 0;
            for (let q = 0; q < k; q++) {
              dot += a[i * k + q] * w[j * k + q];
              abs += Math.abs(a[i * k + q] * w[j * k + q]);
            }
            expect(Math.abs(c[i * n + j] - dot)).toBeLessThanOrEqual(gamma(k) * abs);
          }
        }
      }
    }
  });
});
