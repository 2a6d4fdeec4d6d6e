/**
 * The demo page in a real browser: Vite builds it (minified, as users get it), Vite's preview server
 * serves it on 127.0.0.1, Debian's Chromium runs it (driven by playwright-core, no browser download),
 * and the numbers it computes are compared with what Node computes through the public pipelines in
 * this process — cross-origin isolated (shared memory, a worker pool on every hardware thread) and not
 * (`?isolation=off`: one thread), with the plain SIMD kernels and with relaxed-SIMD FMA.
 *
 * Node runs the 'wasm' engine's plain SIMD kernels here (an engine created with `relaxedSimd: false`; the
 * library's default is the FMA GEMM). With `?simd=plain` the page runs those same kernels: the same emitted WebAssembly over
 * the same float32 data, whose every operation (f32x4 mul / add / min / max, IEEE-specified) gives the same
 * bits in any engine; threads split work by output rows / heads without reordering any sum (core's tests
 * assert bit-identical results for 1 and 2 threads). So pixel values, logits, scores and attention maps must
 * be bit-identical, in both isolation modes: no tolerance.
 *
 * By default Chromium validates relaxed SIMD and the page uses the FMA GEMM (f32x4.relaxed_madd: one rounding
 * per multiply-add instead of two). Then only preprocessing stays bit-identical; logits and attention differ by
 * float32 rounding. Tolerance, from golden/README.md's policy: each side is a float32 evaluation of the same
 * network within 8 · e32 + 1e-6 · max(1, |logit|) of PyTorch's float64 logits (e32 = PyTorch's own float32 vs
 * float64 error on this model, models/fashion-eval/eval.json), so two such evaluations differ by at most twice
 * that. Attention probabilities (in [0, 1]) likewise within 2 · (8 · 2⁻²⁴ · 197 + 1e-6). The top-5 labels must agree.
 */

import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, createLogger, preview, type PreviewServer, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadImage } from '@purevit/image';
import { createEngine, type Engine } from '@purevit/core';
import { pipeline, type AttentionMapPipeline, type ClassificationResult, type ImageClassificationPipeline } from '@purevit/models';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { DemoEngine } from '../src/engine.js';
import type { HookResult } from '../src/test-hook.js';
import { demoConfig } from '../vite.config.js';

const CHROMIUM = '/usr/bin/chromium';
// The flags this sandbox needs: no sandbox as root, no GPU, and no background connections
// to Google's services, which the closed network refuses.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL = join(ROOT, 'models/fashion-vit-tiny');
const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Golden inputs: Fashion-MNIST samples (the model's own 28×28) and photos that the processor resizes (PIL-exact). */
const FASHION = ['0000_9.png', '0018_8.png', '0023_9.png'].map((f) => join(ROOT, 'models/fashion-eval/samples', f));
const PHOTOS = ['jpeg420_331x247.jpg', 'jpegexif6_160x120.jpg', 'rgba_253x397.png', 'palette_100x80.png'].map((f) => join(ROOT, 'golden/images', f));
const IMAGES = [...FASHION, ...PHOTOS];

const MODES = [
  { name: 'cross-origin isolated, plain SIMD', query: '?simd=plain', isolated: true, simd: 'plain' },
  { name: 'not isolated (single thread), plain SIMD', query: '?isolation=off&simd=plain', isolated: false, simd: 'plain' },
  { name: 'cross-origin isolated, relaxed SIMD (FMA)', query: '', isolated: true, simd: 'relaxed' },
  { name: 'not isolated (single thread), relaxed SIMD (FMA)', query: '?isolation=off', isolated: false, simd: 'relaxed' },
] as const;

/** PyTorch's own float32 vs float64 logit error on the demo model (eval.json): the float32-rounding scale. */
let e32 = 0;
/** |a - b| ≤ 2 · (8 · e32 + 1e-6 · max(1, |b|)) elementwise: two float32 evaluations each within the golden bound. */
function fmaMismatches(actual: readonly number[], expected: Float32Array, bound: (expected: number) => number): string[] {
  if (actual.length !== expected.length) return [`length ${actual.length} vs ${expected.length}`];
  const problems: string[] = [];
  for (let i = 0; i < actual.length && problems.length < 5; i++) {
    const tol = bound(expected[i]);
    if (!(Math.abs(actual[i] - expected[i]) <= tol)) problems.push(`[${i}] ${actual[i]} vs ${expected[i]} (diff ${actual[i] - expected[i]}, tolerance ${tol})`);
  }
  return problems;
}
const logitBound = (v: number): number => 2 * (8 * e32 + 1e-6 * Math.max(1, Math.abs(v)));
const probabilityBound = (): number => 2 * (8 * 2 ** -24 * 197 + 1e-6);

interface NodeResult {
  width: number;
  height: number;
  pixelShape: number[];
  pixelValues: Float32Array;
  logits: Float32Array;
  top: ClassificationResult[];
  attention: { grid: number[]; values: Float32Array };
}

/** Differences between float32 arrays as bit patterns (the first few), so a failure says where. */
function bitMismatches(actual: readonly number[], expected: Float32Array): string[] {
  const problems: string[] = [];
  if (actual.length !== expected.length) return [`length ${actual.length} vs ${expected.length}`];
  for (let i = 0; i < actual.length && problems.length < 5; i++) {
    if (Math.fround(actual[i]) !== actual[i]) problems.push(`[${i}] ${actual[i]} is not a float32`);
    else if (!Object.is(actual[i], expected[i])) problems.push(`[${i}] ${actual[i]} vs ${expected[i]} (diff ${actual[i] - expected[i]})`);
  }
  return problems;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

describe('demo page in Chromium', () => {
  let outDir: string;
  let bundle: Rollup.OutputChunk[];
  const buildWarnings: string[] = [];
  let server: PreviewServer;
  let origin: string;
  let browser: Browser;
  let plainEngine: Engine;
  let classify: ImageClassificationPipeline;
  let attend: AttentionMapPipeline;
  const bytes = new Map<string, Uint8Array>();
  const node = new Map<string, NodeResult>();
  const pageErrors: string[] = [];

  /** What Node computes, through the public pipelines (not the demo's engine). */
  async function nodeResult(file: string): Promise<NodeResult> {
    const input = bytes.get(file)!;
    const image = await loadImage(input);
    const pixelValues = classify.processor.preprocessRgb([image]);
    const { logits } = await classify.model.forward({ pixelValues });
    const map = await attend(input);
    return {
      width: image.width,
      height: image.height,
      pixelShape: [...pixelValues.shape],
      pixelValues: pixelValues.data,
      logits: logits.select(0).data,
      top: await classify(input, { topK: 5 }),
      attention: { grid: [...map.grid], values: map.values },
    };
  }

  async function openPage(query: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(`${query || 'isolated'}: ${error.message}`));
    await page.goto(`${origin}/${query}`);
    await page.waitForFunction(() => window.__purevit !== undefined);
    await page.evaluate(async () => void (await window.__purevit!.engine()));
    return page;
  }

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium; npm test's pretest step, scripts/test-prerequisites.mjs, does this)`);
    }
    outDir = await mkdtemp(join(tmpdir(), 'purevit-demo-'));
    const logger = createLogger('warn');
    logger.warn = (message) => void buildWarnings.push(message);
    logger.warnOnce = logger.warn;
    const config = { ...demoConfig({ outDir }), configFile: false as const, customLogger: logger };
    const output = (await build(config)) as Rollup.RollupOutput;
    bundle = output.output.filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
    server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false } });
    const address = server.httpServer.address();
    if (address === null || typeof address === 'string') throw new Error(`preview server: unexpected address ${String(address)}`);
    origin = `http://127.0.0.1:${address.port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });

    e32 = (JSON.parse(await readFile(join(ROOT, 'models/fashion-eval/eval.json'), 'utf8')) as { max_abs_logit_diff_fp32_vs_fp64: number }).max_abs_logit_diff_fp32_vs_fp64;
    // The page gets logits and attention maps from one forward that returns the probabilities (eager
    // attention); fused attention rounds differently, so Node's pipelines run eager too.
    plainEngine = await createEngine({ relaxedSimd: false });
    classify = await pipeline('image-classification', MODEL, { attnImplementation: 'eager', engine: plainEngine });
    attend = await pipeline('attention-map', MODEL, { engine: plainEngine });
    expect(classify.model.engine.describe()).toMatchObject({ backend: 'wasm', simd: 'plain' });
    for (const file of IMAGES) bytes.set(file, new Uint8Array(await readFile(file)));
    for (const file of IMAGES) node.set(file, await nodeResult(file));
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await plainEngine?.dispose();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('bundles no Node built-in, and Vite warns of nothing', () => {
    expect(buildWarnings).toEqual([]);
    expect(bundle.length).toBeGreaterThan(0);
    for (const chunk of bundle) {
      expect(chunk.imports.filter((i) => i.startsWith('node:'))).toEqual([]);
      expect(chunk.code).not.toContain('__vite-browser-external');
    }
  });

  describe.each(MODES)('$name', ({ query, isolated, simd }) => {
    let page: Page;
    beforeAll(async () => {
      page = await openPage(query);
    });
    afterAll(async () => {
      await page?.close();
    });

    it(`reports the engine it runs: wasm, ${simd} SIMD, ${isolated ? 'every hardware thread' : 'one thread'}`, async () => {
      const runtime = await page.evaluate(() => window.__purevit!.runtime());
      expect(runtime.isolated).toBe(isolated);
      expect(runtime.sharedMemory).toBe(isolated);
      expect(runtime.backend).toBe('wasm');
      expect(runtime.simd).toBe(simd);
      // Isolated pages really start a worker pool: describe() counts the threads the kernels use.
      expect(runtime.threads).toBe(isolated ? runtime.hardwareThreads : 1);
      if (isolated) expect(runtime.threads).toBeGreaterThan(1);
      const threads = `${runtime.threads} thread${runtime.threads === 1 ? '' : 's'}`;
      await page.waitForFunction(() => document.getElementById('runtime-status')?.textContent !== '');
      expect(await page.textContent('#runtime-status')).toBe(
        `wasm (${simd} SIMD), ${threads} (${isolated ? 'cross-origin isolated, shared memory' : 'not cross-origin isolated'})`,
      );
    });

    it.each(IMAGES.map((f) => [basename(f), f]))('computes what Node computes for %s', async (_, file) => {
      const expected = node.get(file)!;
      const got: HookResult = await page.evaluate((b) => window.__purevit!.analyze(b), Array.from(bytes.get(file)!));
      expect([got.width, got.height]).toEqual([expected.width, expected.height]);
      expect(got.pixelShape).toEqual(expected.pixelShape);
      expect(bitMismatches(got.pixelValues, expected.pixelValues)).toEqual([]);
      expect(got.pixelsShared).toBe(false); // tensors live in plain memory; only the engine's heap is shared (when isolated)
      expect(got.attention?.grid).toEqual(expected.attention.grid);
      if (simd === 'plain') {
        expect(bitMismatches(got.logits, expected.logits)).toEqual([]);
        expect(got.top).toEqual(expected.top);
        expect(bitMismatches(got.attention?.values ?? [], expected.attention.values)).toEqual([]);
      } else {
        expect(fmaMismatches(got.logits, expected.logits, logitBound)).toEqual([]);
        expect(got.top.map((t) => t.label)).toEqual(expected.top.map((t) => t.label));
        expect(fmaMismatches(got.attention?.values ?? [], expected.attention.values, probabilityBound)).toEqual([]);
      }
    });

    it('gives PyTorch\'s logits for the Fashion-MNIST samples (golden tolerance)', async () => {
      // golden/README.md: |actual - expected| <= 8 * fp32_error + 1e-6 * max(1, max_abs), against the float64 forward.
      const evalJson = JSON.parse(await readFile(join(ROOT, 'models/fashion-eval/eval.json'), 'utf8')) as { max_abs_logit_diff_fp32_vs_fp64: number };
      const file = await SafetensorsFile.open(await fileSource(join(ROOT, 'models/fashion-eval/predictions.safetensors')));
      const torch = await file.readFloat32('logits_f64'); // [10000, 10]
      for (const path of FASHION) {
        const index = Number(basename(path).slice(0, 4));
        const expected = torch.subarray(index * 10, index * 10 + 10);
        const got = await page.evaluate((b) => window.__purevit!.analyze(b), Array.from(bytes.get(path)!));
        const maxAbs = Math.max(...Array.from(expected, Math.abs));
        const tolerance = 8 * evalJson.max_abs_logit_diff_fp32_vs_fp64 + 1e-6 * Math.max(1, maxAbs);
        const worst = Math.max(...got.logits.map((v, i) => Math.abs(v - expected[i])));
        expect(worst, `${basename(path)}`).toBeLessThanOrEqual(tolerance);
      }
    });

    it('shows the top-5 and the heat map for a picked file, a dropped file and a sample button', async () => {
      const labels = (results: ClassificationResult[]): unknown => (simd === 'plain' ? results : results.map((r) => r.label));
      const shown = async (): Promise<unknown> =>
        labels(await page.$$eval('#top-labels li', (items) => items.map((li) => ({ label: li.dataset.label ?? '', score: Number(li.dataset.score) }))));

      const jpeg = PHOTOS[0];
      await page.setInputFiles('#file-input', jpeg);
      await page.waitForFunction((n) => document.getElementById('result-name')?.textContent === n, basename(jpeg));
      expect(await shown()).toEqual(labels(node.get(jpeg)!.top));

      const png = PHOTOS[2];
      await page.evaluate(([b, n]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([Uint8Array.from(b as number[])], n as string, { type: 'image/png' }));
        document.getElementById('drop-zone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      }, [Array.from(bytes.get(png)!), basename(png)] as const);
      await page.waitForFunction((n) => document.getElementById('result-name')?.textContent === n, basename(png));
      expect(await shown()).toEqual(labels(node.get(png)!.top));

      await page.click('button[data-sample="0000_9.png"]');
      await page.waitForFunction(() => document.getElementById('result-name')?.textContent?.startsWith('0000_9.png'));
      expect(await shown()).toEqual(labels(node.get(FASHION[0])!.top));
      expect(await page.isVisible('#heat-figure')).toBe(true);
      expect(await page.isHidden('#error')).toBe(true);
      if (simd === 'relaxed') await page.screenshot({ path: join(ARTIFACTS, isolated ? 'screenshot.png' : 'screenshot-single-thread.png'), fullPage: true });
      expect(pageErrors.filter((e) => e.startsWith(query || 'isolated'))).toEqual([]);
    });
  });

  it('loads another model folder from the model field (the timm twin: same scores, no attention map)', async () => {
    const timm = await pipeline('image-classification', join(ROOT, 'models/fashion-vit-tiny-timm'), { engine: plainEngine });
    const page = await openPage('?simd=plain');
    await page.fill('#model-input', './models/fashion-vit-tiny-timm/');
    await page.click('#model-form button[type=submit]');
    await page.waitForFunction(() => document.getElementById('model-status')?.textContent?.includes('timm_wrapper'));
    await page.click('button[data-sample="0018_8.png"]');
    await page.waitForFunction(() => document.getElementById('result-name')?.textContent?.startsWith('0018_8.png'));
    const shown = await page.$$eval('#top-labels li', (items) => items.map((li) => ({ label: li.dataset.label ?? '', score: Number(li.dataset.score) })));
    expect(shown).toEqual(await timm(bytes.get(FASHION[1])!, { topK: 5 }));
    expect(await page.isHidden('#heat-figure')).toBe(true);
    expect(await page.isHidden('#error')).toBe(true);
    await page.close();
  });

  it('times the demo model per image: browser (both modes) and Node (recorded, not asserted)', async () => {
    const images = FASHION.map((f) => Array.from(bytes.get(f)!));
    const [warmUp, repeats] = [3, 10];
    const round = (t: number): number => Math.round(t * 100) / 100;
    const summary = (times: readonly number[]): { medianMs: number; minMs: number } => ({ medianMs: round(median(times)), minMs: round(Math.min(...times)) });
    const browserTimes: Record<string, { medianMs: number; minMs: number; threads: number }> = {};
    for (const { name, query } of MODES) {
      const page = await openPage(query);
      await page.evaluate(([i, r]) => window.__purevit!.time(i, r), [images, warmUp] as const); // JIT warm-up
      const threads = (await page.evaluate(() => window.__purevit!.runtime())).threads;
      browserTimes[name] = { ...summary(await page.evaluate(([i, r]) => window.__purevit!.time(i, r), [images, repeats] as const)), threads };
      await page.close();
    }
    const engine = await DemoEngine.load(MODEL); // the page's engine, in Node (the default engine: wasm, relaxed-SIMD FMA)
    const nodeTimes: number[] = [];
    for (let r = 0; r < warmUp + repeats; r++) {
      for (const f of FASHION) {
        const { timings } = await engine.analyze(bytes.get(f)!);
        if (r >= warmUp) nodeTimes.push(timings.forward);
      }
    }
    const report = {
      what: 'forward pass per image (fashion-vit-tiny, batch 1, with attentions), after warm-up',
      imagesPerSide: nodeTimes.length,
      chromium: browser.version(),
      node: process.version,
      nodeEngine: engine.model.engine.describe(),
      browser: browserTimes,
      nodeJs: summary(nodeTimes),
    };
    await writeFile(join(ARTIFACTS, 'latency.json'), `${JSON.stringify(report, null, 2)}\n`);
    expect(nodeTimes.every((t) => t > 0)).toBe(true);
  });
});
