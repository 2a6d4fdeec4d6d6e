// Issue 18: sizes taken from configs are checked against sane bounds before anything is allocated,
// and every config error is a ConfigError with a short message naming the field.
import { closeSync, cpSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AutoConfig, parseTimmViTArgs, pipeline, resolveArchitecture, TimmWrapperConfig, ViTConfig, type JsonObject } from '@purevit/models';
import { ConfigError, type ConfigErrorCode } from '@purevit/weights';

const MODEL = new URL('../../../../models/fashion-vit-tiny/', import.meta.url);
const TIMM_MODEL = new URL('../../../../models/fashion-vit-tiny-timm/', import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'purevit-hostile-configs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function configError(run: () => unknown, code: ConfigErrorCode, pattern: RegExp): ConfigError {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).code).toBe(code);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message.length).toBeLessThan(300);
  return error as ConfigError;
}

function nested(depth: number, make: (inner: unknown) => unknown): unknown {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = make(v);
  return v;
}

/** A copy of a bundled model folder with some files replaced. */
function modelCopy(source: URL, name: string, edit: (files: { config: Record<string, unknown>; pre?: Record<string, unknown> }) => void): string {
  const dir = join(tmp, name);
  cpSync(source, dir, { recursive: true });
  const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
  let pre: Record<string, unknown> | undefined;
  try {
    pre = JSON.parse(readFileSync(join(dir, 'preprocessor_config.json'), 'utf8')) as Record<string, unknown>;
  } catch {
    pre = undefined;
  }
  const files = { config, pre };
  edit(files);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(files.config));
  if (files.pre) writeFileSync(join(dir, 'preprocessor_config.json'), JSON.stringify(files.pre));
  return dir;
}

describe('label counts', () => {
  it('num_labels 100000000 (no id2label) and timm num_classes 1000000000: refused at once', () => {
    const t = performance.now();
    configError(() => ViTConfig.fromDict({ num_labels: 100_000_000 }), 'out_of_range', /^config field num_labels must be an integer in 0\.\.1000000 \(label count\), got 100000000$/);
    configError(() => TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 1_000_000_000 }), 'out_of_range', /num_classes .*got 1000000000$/);
    expect(performance.now() - t).toBeLessThan(1000);
  });

  it('an allowed large count builds no table: LABEL_i names on demand', () => {
    const before = process.memoryUsage().heapUsed;
    const config = ViTConfig.fromDict({ num_labels: 1_000_000 });
    const timm = TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 1_000_000 });
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(16 * 1024 * 1024); // a built table of 1e6 names takes ~100 MB
    expect([config.numLabels, timm.numLabels]).toEqual([1_000_000, 1_000_000]);
    expect(config.labelOf(999_999)).toBe('LABEL_999999');
    expect(config.id2label[3]).toBe('LABEL_3'); // built on first access, as transformers' dict
    expect(config.label2id!.LABEL_7).toBe(7);
  });

  it('id2label: too many entries, keys that are not class indices, names that are not names', () => {
    configError(() => ViTConfig.fromDict({ id2label: { '-1': 'a' } }), 'invalid_type', /id2label has a key that is not a class index: "-1"/);
    configError(() => ViTConfig.fromDict({ id2label: { 0: { a: 1 } } }), 'invalid_type', /id2label\.0 must be a label name/);
    expect(ViTConfig.fromDict({ id2label: { 0: 7, 1: true } }).id2label).toEqual({ 0: '7', 1: 'True' });
  });
});

describe('messages that used to crash or flood', () => {
  it('id2label and timm model_args nested 5000 deep: a ConfigError, not a stack overflow', () => {
    configError(() => ViTConfig.fromDict({ id2label: nested(5000, (x) => ({ 0: x })) as Record<string, unknown> }), 'too_deep', /^config\.json nests deeper than 32 levels$/);
    configError(() => TimmWrapperConfig.fromDict({ architecture: 'resnet18', num_classes: 2, model_args: nested(5000, (x) => ({ a: x })) as Record<string, unknown> }), 'too_deep', /nests deeper/);
    configError(() => AutoConfig.fromDict({ model_type: 'vit', extra: nested(200_000, (x) => [x]) } as unknown as JsonObject), 'too_deep', /nests deeper/);
  });

  it('a hidden_size that is a 20 MB string: the type error quotes the start of it', () => {
    const error = configError(() => ViTConfig.fromDict({ hidden_size: '9'.repeat(20_000_000) }), 'invalid_type', /^config field hidden_size must be a number, got "9+…" \(20000000 chars\)$/);
    expect(error.field).toBe('hidden_size');
  });

  it('a 600 MiB config.json: refused from its size, naming the file (API and CLI)', async () => {
    const dir = join(tmp, 'huge-config');
    cpSync(MODEL, dir, { recursive: true });
    const fd = openSync(join(dir, 'config.json'), 'w');
    ftruncateSync(fd, 600 * 1024 * 1024); // sparse: no disk used
    closeSync(fd);
    const error = await AutoConfig.fromPretrained(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe(`${dir}/config.json is 600.0 MiB, over the 16.0 MiB limit for config files`);
    const { run } = await import('../../../cli/src/index.js');
    let stderr = '';
    const code = await run(['classify', 'models/fashion-eval/samples/0000_9.png', '--model', dir], { stdout: { write: () => true }, stderr: { write: (s: string) => (stderr += s), isTTY: false, columns: 100 } });
    expect(code).toBe(1);
    expect(stderr).toBe(`purevit: ${dir}/config.json is 600.0 MiB, over the 16.0 MiB limit for config files\n`);
  });
});

describe('sizes and eps values', () => {
  it('image and patch sizes, widths, layer and head counts outside their bounds', () => {
    configError(() => ViTConfig.fromDict({ image_size: 100_000 }), 'out_of_range', /image_size must be an integer in 1\.\.8192/);
    configError(() => ViTConfig.fromDict({ image_size: 4096, patch_size: 1 }), 'out_of_range', /patches per image .* got 16777216/);
    configError(() => ViTConfig.fromDict({ patch_size: 300, image_size: 224 }), 'inconsistent', /patch_size 300 is larger than image_size 224/);
    configError(() => ViTConfig.fromDict({ hidden_size: 1e30 }), 'out_of_range', /hidden_size must be an integer in 1\.\.65536/);
    configError(() => ViTConfig.fromDict({ num_hidden_layers: 1e6 }), 'out_of_range', /num_hidden_layers/);
    const arch = resolveArchitecture('vit_tiny_patch16_224', { depth: 100_000, img_size: 20_000 });
    configError(() => parseTimmViTArgs(arch.args, arch.name), 'out_of_range', /argument (depth|img_size) must be an integer in/);
  });

  it('layer_norm_eps -1, 0 or NaN-like: refused (it made every score NaN); timm norm_eps too', () => {
    for (const eps of [-1, 0, 2]) configError(() => ViTConfig.fromDict({ layer_norm_eps: eps }), 'out_of_range', /layer_norm_eps must be a number > 0 and <= 1/);
    configError(() => ViTConfig.fromDict({ layer_norm_eps: 'nan' }), 'invalid_type', /layer_norm_eps must be a number/);
    expect(ViTConfig.fromDict({ layer_norm_eps: 1e-12 }).layerNormEps).toBe(1e-12);
  });
});

describe('preprocessor sizes are checked when the pipeline is built, before any image is resized', () => {
  const cases: [string, (f: { config: Record<string, unknown>; pre?: Record<string, unknown> }) => void, URL, RegExp][] = [
    ['size 100000x100000', (f) => void (f.pre!.size = { height: 100_000, width: 100_000 }), MODEL, /size\.height must be an integer in 1\.\.8192/],
    ['size 30000x30000', (f) => void (f.pre!.size = { height: 30_000, width: 30_000 }), MODEL, /size\.height .* got 30000/],
    ['size 2000x2000 for a 28-pixel model', (f) => void (f.pre!.size = { height: 2000, width: 2000 }), MODEL, /makes 2000x2000 images but the model takes 28x28/],
    ['a zero image_std', (f) => void (f.pre!.image_std = [0.5, 0, 0.5]), MODEL, /image_std must be finite and non-zero/],
    ['timm crop_pct 1e-9', (f) => void ((f.config.pretrained_cfg as Record<string, unknown>).crop_pct = 1e-9), TIMM_MODEL, /the resize target input_size \/ crop_pct must be an integer in 1\.\.8192/],
    ['timm crop_pct 0.001 on a 28-pixel model', (f) => void ((f.config.pretrained_cfg as Record<string, unknown>).crop_pct = 0.001), TIMM_MODEL, /input_size \/ crop_pct .* got 28000/],
    ['timm input_size [3, 20000, 20000]', (f) => void ((f.config.pretrained_cfg as Record<string, unknown>).input_size = [3, 20_000, 20_000]), TIMM_MODEL, /input_size\[1\] must be an integer in 1\.\.8192/],
    ['layer_norm_eps -1', (f) => void (f.config.layer_norm_eps = -1), MODEL, /layer_norm_eps must be a number > 0/],
  ];
  for (const [name, edit, source, pattern] of cases) {
    it(name, async () => {
      const dir = modelCopy(source, name.replace(/\W+/g, '-'), edit);
      const error = await pipeline('image-classification', dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message.length).toBeLessThan(300);
    });
  }
});
