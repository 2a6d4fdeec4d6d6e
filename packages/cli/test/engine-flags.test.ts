import { describe, expect, it } from 'vitest';
import { createEngine, relaxedSimdSupported, type EngineOptions } from '@purevit/core';
import { pipeline, type ClassificationResult } from '@purevit/models';
import { SAMPLE, SAMPLE2, cli } from './helpers.js';

interface JsonResult {
  image: string;
  predictions: ClassificationResult[];
}

/** What the bundled model gives on an engine made here with `options`. */
async function expected(options: EngineOptions): Promise<ClassificationResult[][]> {
  const engine = await createEngine(options);
  try {
    const classify = await pipeline('image-classification', undefined, { engine });
    const results = await classify([SAMPLE, SAMPLE2], { topK: 10 });
    await classify.model.dispose();
    return results;
  } finally {
    await engine.dispose();
  }
}

async function classify(flags: string[]): Promise<ClassificationResult[][]> {
  const { code, stdout, stderr } = await cli(['classify', SAMPLE, SAMPLE2, '--top-k', '10', '--json', ...flags]);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return (JSON.parse(stdout) as JsonResult[]).map((r) => r.predictions);
}

describe('global engine flags', () => {
  it('--backend js runs the TypeScript kernels, --no-relaxed-simd the plain SIMD GEMM, the default relaxed-SIMD FMA (enabled at startup)', async () => {
    const js = await classify(['--backend', 'js']);
    const plain = await classify(['--no-relaxed-simd', '--threads', '1']);
    const fma = await classify(['--threads', '2']);
    // The CLI enabled relaxed SIMD in this process (Node 20: the V8 flag).
    expect(relaxedSimdSupported()).toBe(true);
    expect(js).toEqual(await expected({ backend: 'js' }));
    expect(plain).toEqual(await expected({ backend: 'wasm', relaxedSimd: false, threads: 1 }));
    expect(fma).toEqual(await expected({ backend: 'wasm', relaxedSimd: true, threads: 2 }));
    // Three different kernels, three sets of bits (same labels).
    expect(js).not.toEqual(plain);
    expect(plain).not.toEqual(fma);
    expect(fma.map((r) => r.map((p) => p.label))).toEqual(js.map((r) => r.map((p) => p.label)));
  });

  it('rejects a bad --backend or --threads as usage errors, and lists the flags in every command help', async () => {
    const bad = await cli(['classify', SAMPLE, '--backend', 'gpu']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--backend must be wasm or js, got "gpu"/);
    expect((await cli(['classify', SAMPLE, '--threads', '0'])).code).toBe(2);
    const help = await cli(['embed', '--help']);
    expect(help.stdout).toMatch(/--threads <n>/);
    expect(help.stdout).toMatch(/--backend <wasm\|js>/);
    expect(help.stdout).toMatch(/--no-relaxed-simd/);
  });
});
