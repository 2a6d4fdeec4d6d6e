// `purevit bench` on tiny configurations: argument handling and the report's format and contents. No
// timing is asserted: speed is measured by running the benchmark, never by the test suite.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { ViTConfig } from '@purevit/models';
import { ROOT, cli } from './helpers.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'purevit-bench-test-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const TINY_MODEL = ['--models', 'vit_tiny', '--batch-sizes', '1', '--image-size', '32', '--iterations', '1', '--warmup', '0', '--threads', '1', '--cache-dir', cacheDir];
const TINY_ATTENTION = ['--tokens', '5,17', '--iterations', '1', '--warmup', '0', '--threads', '1'];

async function usageError(argv: string[], message: string): Promise<void> {
  const { code, stdout, stderr } = await cli(['bench', ...argv]);
  expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
  expect(stderr.split('\n')[0]).toBe(`purevit: ${message}`);
  expect(stderr).toContain('Usage: purevit bench [attention|kernels|model]');
}

describe('purevit bench: arguments', () => {
  it('rejects an unknown benchmark, backend, model, and bad numbers and lists', async () => {
    await usageError(['latency'], 'unknown benchmark "latency" (attention, kernels or model)');
    await usageError(['model', 'attention'], 'expected one benchmark name, got 2: model attention');
    await usageError(['model', '--backend', 'gpu'], '--backend must be wasm or js, got "gpu"');
    await usageError(['kernels', '--simd', 'avx'], '--simd must be relaxed or plain, got "avx"');
    await usageError(['model', '--models', 'vit_tiny,vit_huge'], 'unknown model "vit_huge" in --models (known: vit_tiny, vit_small, vit_base)');
    await usageError(['model', '--warmup', '-1'], '--warmup needs a value <n>');
    await usageError(['model', '--warmup', 'two'], '--warmup must be a non-negative integer, got "two"');
    await usageError(['model', '--iterations', '0'], '--iterations must be a positive integer, got "0"');
    await usageError(['attention', '--tokens', '197,x'], '--tokens must be a comma-separated list of positive integers, got "197,x"');
    await usageError(['model', '--batch-sizes', '0'], '--batch-sizes must be a comma-separated list of positive integers, got "0"');
  });

  it('--help shows every option', async () => {
    const { code, stdout } = await cli(['bench', '--help']);
    expect(code).toBe(0);
    for (const flag of ['json', 'out', 'threads', 'backend', 'simd', 'iterations', 'warmup', 'models', 'batch-sizes', 'image-size', 'cache-dir', 'tokens', 'in-process']) {
      expect(stdout).toContain(`--${flag}`);
    }
  });
});

describe('purevit bench model', () => {
  it('writes a transformers ViT checkpoint once and reports timm benchmark.py fields as JSON', async () => {
    const { code, stdout, stderr } = await cli(['bench', 'model', ...TINY_MODEL, '--in-process', '--json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout) as { benchmark: string; isolation: string; machine: { cores: number; node: string }; results: Record<string, unknown>[] };
    expect(report.benchmark).toBe('model');
    expect(report.isolation).toBe('none');
    expect(report.machine.node).toBe(process.version);
    expect(report.results).toHaveLength(1);

    const dir = join(cacheDir, 'vit_tiny_patch16_32-v1');
    const config = ViTConfig.fromDict(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, never>);
    expect([config.hiddenSize, config.numHiddenLayers, config.numAttentionHeads, config.intermediateSize, config.numLabels]).toEqual([192, 12, 3, 768, 1000]);
    const file = await SafetensorsFile.open(await fileSource(join(dir, 'model.safetensors')));
    const parameters = file.names().reduce((n, name) => n + file.info(name).shape.reduce((a, b) => a * b, 1), 0);

    const r = report.results[0];
    expect(r).toMatchObject({
      model: 'vit_tiny_patch16_32', batch_size: 1, img_size: 32, num_warm_iter: 0, num_bench_iter: 1, threads: 1,
      param_count: Math.round(parameters / 1e4) / 100,
      weights_mb: Math.round(readFileSync(join(dir, 'model.safetensors')).byteLength / 1e5) / 10,
    });
    for (const key of ['step_time', 'samples_per_sec', 'gmacs', 'gflops', 'load_ms', 'peak_rss_mb', 'peak_heap_used_mb', 'rss_over_weights', 'logits_sum']) {
      expect(Number.isFinite(r[key]), key).toBe(true);
    }
    expect(r.samples_per_sec as number).toBeCloseTo(1000 / (r.step_time as number), -1);

    // The second run reuses the checkpoint and, same weights and input, gives the same logits.
    const again = await cli(['bench', 'model', ...TINY_MODEL, '--in-process', '--json']);
    expect((JSON.parse(again.stdout) as typeof report).results[0].logits_sum).toBe(r.logits_sum);
  });

  it('prints a table by default and writes the JSON report with --out', async () => {
    const out = join(cacheDir, 'model.json');
    const { code, stdout } = await cli(['bench', 'model', ...TINY_MODEL, '--in-process', '--out', out]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(/^purevit bench model: \d{4}-\d\d-\d\dT.*, \d+ cores, node v\d+.*, load [\d. ]+$/);
    expect(lines[2].split(/ {2,}/)).toEqual(['model', 'backend', 'simd', 'threads', 'batch', 'img', 'params (M)', 'warmup', 'iters', 'ms/step', 'samples/s', 'GMACs', 'GFLOP/s', 'peak RSS (MB)', 'RSS/weights']);
    expect(lines[4]).toMatch(/^vit_tiny_patch16_32 +\S+ +\S+ +1 +1 +32 +5\.\d+ +0 +1 /);
    const report = JSON.parse(readFileSync(out, 'utf8')) as { results: { model: string }[] };
    expect(report.results.map((r) => r.model)).toEqual(['vit_tiny_patch16_32']);
  });
});

describe('purevit bench attention and kernels', () => {
  it('attention: eager and fused per size, the N×N buffer eager needs, and the same output', async () => {
    const { code, stdout } = await cli(['bench', 'attention', ...TINY_ATTENTION, '--in-process', '--json']);
    expect(code).toBe(0);
    const results = (JSON.parse(stdout) as { results: { impl: string; tokens: number; heads: number; head_dim: number; scores_buffer_mb: number; out_sum: number; peak_rss_mb: number }[] }).results;
    expect(results.map((r) => [r.impl, r.tokens])).toEqual([['eager', 5], ['fused', 5], ['eager', 17], ['fused', 17]]);
    for (const r of results) {
      expect([r.heads, r.head_dim]).toEqual([12, 64]);
      expect(r.scores_buffer_mb).toBe(Math.round((12 * r.tokens * r.tokens * 4) / 1e5) / 10);
      expect(r.peak_rss_mb).toBeGreaterThan(0);
    }
    expect(results[1].out_sum).toBeCloseTo(results[0].out_sum, 1);
    expect(results[3].out_sum).toBeCloseTo(results[2].out_sum, 1);
  });

  it('kernels: linear on the four ViT-B shapes, and the naive reference on the js backend', async () => {
    const { code, stdout } = await cli(['bench', 'kernels', '--backend', 'js', '--iterations', '1', '--warmup', '0', '--threads', '1', '--in-process']);
    expect(code).toBe(0);
    const rows = stdout.split('\n').slice(4).filter(Boolean).map((l) => l.split(/ {2,}/).slice(0, 6));
    expect(rows).toEqual([
      ['linear', 'attn.qkv 768→2304', 'js', '-', '1', '197'],
      ['linear', 'attn.proj 768→768', 'js', '-', '1', '197'],
      ['linearReference', 'attn.proj 768→768', 'js', '-', '1', '197'],
      ['linear', 'mlp.fc1 768→3072', 'js', '-', '1', '197'],
      ['linear', 'mlp.fc2 3072→768', 'js', '-', '1', '197'],
    ]);
  });

  // A fresh process per configuration needs the built CLI (npm run build; npm ci builds it).
  it.skipIf(!existsSync(`${ROOT}packages/cli/dist/commands/bench.js`))('runs each configuration in a child process by default', async () => {
    const { code, stdout, stderr } = await cli(['bench', 'attention', '--tokens', '5', '--iterations', '1', '--warmup', '0', '--threads', '1', '--json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const report = JSON.parse(stdout) as { isolation: string; results: { impl: string; tokens: number }[] };
    expect(report.isolation).toBe('process');
    expect(report.results.map((r) => `${r.impl} ${r.tokens}`)).toEqual(['eager 5', 'fused 5']);
  });
});
