import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BACKEND_NAMES } from '@purevit/core';
import { discoverCases, formatResult, goldenEngines, runGolden, type RunSummary } from '../src/index.js';

const GOLDEN = fileURLToPath(new URL('../../../golden/', import.meta.url));
/** Engines golden model cases run on: the TypeScript kernels, and the WASM ones (plain SIMD, and FMA: Node 20 enables it by flag in this process). */
const MODEL_ENGINES = ['wasm', 'wasm-fma', 'js'];
/** The relatives' model cases copied from ../shared/golden so far. */
const RELATIVE_CASES = [
  'beit_classifier', 'beit_model_relpos', 'beit_model_relpos_40x32', 'beit_model_shared_abs_cls',
  'deit_classifier', 'deit_distilled', 'deit_distilled_interp_48x40', 'deit_model_basic',
  'dinov2_classifier', 'dinov2_interp_224style', 'dinov2_interp_nonsquare', 'dinov2_mask_token', 'dinov2_model_basic',
  'dinov2_reg_classifier', 'dinov2_reg_interp_64x32', 'dinov2_reg_model', 'dinov2_swiglu',
  'vitmae_model', 'vitmae_pretrain', 'vitmae_pretrain_interp_40x56', 'vitmae_pretrain_normpix', 'vitmsn_classifier', 'vitmsn_model',
];
const variantLabels = (impls: readonly string[]): string[] => MODEL_ENGINES.flatMap((e) => impls.map((i) => `${e}/${i}`));

describe('the golden fixtures in golden/', () => {
  it('discovers exactly the cases golden/index.json lists', async () => {
    const index = JSON.parse(await readFile(`${GOLDEN}index.json`, 'utf8')) as { name: string; kind: string }[];
    const cases = await discoverCases(GOLDEN);
    expect(cases.map((c) => [c.name, c.kind]).sort()).toEqual(index.map((c) => [c.name, c.kind]).sort());
  });

  let summary: RunSummary;
  it('passes every supported case', async () => {
    summary = await runGolden(GOLDEN);
    for (const r of summary.results) console.log(formatResult(r));
    expect(summary.results.filter((r) => r.status === 'fail').map((r) => formatResult(r))).toEqual([]);
    expect(summary.failed).toBe(0);
  }, 600_000);

  it('runs every vit_* model case (none skipped), fused attention too where it applies', async () => {
    const vit = summary.results.filter((r) => r.name.startsWith('vit_') && r.kind === 'model');
    expect(vit.length).toBe(15);
    for (const r of vit) {
      expect(r.status, r.name).toBe('pass');
      expect(r.worstRatio, r.name).toBeLessThanOrEqual(1);
      const labels = r.variants.map((v) => v.label);
      const eagerOnly = ['vit_model_basic', 'vit_head_mask_1d', 'vit_head_mask_2d'].includes(r.name);
      const processorCheck = r.name === 'vit_tiny_224_fp16' ? ['processor'] : [];
      expect(labels, r.name).toEqual([...variantLabels(eagerOnly ? ['eager'] : ['eager', 'fused']), ...processorCheck]);
      // Every output tensor of case.json was compared.
      for (const v of r.variants) expect(v.comparisons.length, r.name).toBeGreaterThan(0);
    }
  });

  it('runs every timm_* model case (none skipped): timm ViTs with both attention implementations, ResNets once per engine', async () => {
    const timm = summary.results.filter((r) => r.name.startsWith('timm_') && r.kind === 'model');
    expect(timm.length).toBe(19);
    for (const r of timm) {
      expect(r.status, r.name).toBe('pass');
      expect(r.worstRatio, r.name).toBeLessThanOrEqual(1);
      const json = JSON.parse(await readFile(`${GOLDEN}${r.name}/case.json`, 'utf8')) as { outputs: Record<string, string | string[]> };
      const tensors = Object.values(json.outputs).flat().length;
      expect(r.variants.map((v) => v.label), r.name).toEqual(r.name.startsWith('timm_resnet') ? MODEL_ENGINES : variantLabels(['eager', 'fused']));
      // Every output tensor of case.json was compared (hidden_states item by item).
      for (const v of r.variants) expect(v.comparisons.length, r.name).toBe(tensors);
    }
  });

  it("runs every case of the ViT family's relatives (DeiT, DINOv2, BEiT, ViTMAE, ViTMSN) on every engine, every output compared", async () => {
    const relatives = summary.results.filter((r) => /^(deit|dinov2|beit|vitmae|vitmsn)_/.test(r.name) && r.kind === 'model');
    expect(relatives.map((r) => r.name).sort()).toEqual(RELATIVE_CASES);
    for (const r of relatives) {
      expect(r.status, r.name).toBe('pass');
      expect(r.worstRatio, r.name).toBeLessThanOrEqual(1);
      const json = JSON.parse(await readFile(`${GOLDEN}${r.name}/case.json`, 'utf8')) as { outputs: Record<string, string | string[]>; forward_kwargs?: Record<string, unknown> };
      const eagerOnly = json.forward_kwargs?.output_attentions === true;
      expect(r.variants.map((v) => v.label), r.name).toEqual(variantLabels(eagerOnly ? ['eager'] : ['eager', 'fused']));
      const tensors = Object.values(json.outputs).flat().length;
      for (const v of r.variants) expect(v.comparisons.length, r.name).toBe(tensors);
    }
  });

  it('runs every kernel case against the references and every engine of the backend registry (WASM on 1 and 2 threads, plain and FMA)', async () => {
    const kernels = summary.results.find((r) => r.kind === 'kernel');
    expect(kernels?.status).toBe('pass');
    expect(kernels?.variants.map((v) => v.label)).toEqual(['reference', ...BACKEND_NAMES.flatMap((b) => (b === 'wasm' ? ['wasm', 'wasm-1t', 'wasm-fma'] : [b]))]);
    expect((await goldenEngines()).map((e) => [e.label, e.engine.describe()])).toEqual([
      ['wasm', { backend: 'wasm', simd: 'plain', threads: availableParallelism(), sharedMemory: true }],
      ['wasm-1t', { backend: 'wasm', simd: 'plain', threads: 1, sharedMemory: true }],
      ['wasm-fma', { backend: 'wasm', simd: 'relaxed', threads: availableParallelism(), sharedMemory: true }],
      ['js', { backend: 'js', simd: null, threads: 1, sharedMemory: true }],
    ]);
    // 41 torch.nn.functional ops; attention runs as several variants, patch convs through patchEmbed too.
    for (const v of kernels!.variants) expect(v.comparisons.length, v.label).toBeGreaterThanOrEqual(41);
  });

  it('runs every image decode, PIL resize and image processor case (none skipped)', () => {
    const image = summary.results.filter((r) => r.kind === 'image' || r.kind === 'image_processor');
    expect(image.map((r) => r.name).sort()).toEqual([
      'beitproc_default', 'beitproc_hub_legacy', 'bitproc_dinov2', 'deitproc_hub_256_224', 'deitproc_pad_crop',
      'images', 'pil_resize', 'timmproc_bilinear', 'timmproc_border', 'timmproc_inception_nonsquare', 'timmproc_resnet50_a1_test_size',
      'timmproc_resnet50_a1_wrapper', 'timmproc_squash', 'timmproc_vit_224_center', 'vitproc_default', 'vitproc_imagenet_384_bicubic',
      'vitproc_no_resize_224',
    ]);
    for (const r of image) expect(r.status, r.name).toBe('pass');
  });

  it('never reports an unsupported kind as passed', () => {
    for (const r of summary.results) {
      if (r.status === 'skip') expect(r.worstRatio).toBeNull();
    }
  });
});
