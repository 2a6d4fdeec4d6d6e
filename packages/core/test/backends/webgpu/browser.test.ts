/**
 * The WebGPU backend in a real browser: Vite bundles browser-entry.ts, Debian's Chromium (driven by
 * playwright-core, no browser download) runs it with WebGPU enabled (SwiftShader adapter, as in Node), and the
 * outputs are compared with the float64 references and with the same checks run in Node.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { activationFormulas } from './references.js';
import { attentionReference } from './references.js';
import { layerNormReference } from './references.js';
import { linearReference } from './references.js';
import { maxAbsDiff, randomArray } from '../../helpers/random.js';
import { CHECK_SHAPES, runChecks, type CheckOutputs } from './browser-checks.js';
import { swiftShaderBackend } from './swiftshader.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--enable-unsafe-webgpu',
];

let server: Server;
let browser: Browser;
let node: CheckOutputs;
let inBrowser: CheckOutputs;
let gpu: WebGpuBackend;

beforeAll(async () => {
  const bundle = await build({
    configFile: false, logLevel: 'silent', root: fileURLToPath(new URL('.', import.meta.url)),
    build: { write: false, minify: true, lib: { entry: fileURLToPath(new URL('browser-entry.ts', import.meta.url)), formats: ['es'], fileName: 'checks' } },
  });
  const output = (Array.isArray(bundle) ? bundle[0] : (bundle as Rollup.RollupOutput)).output;
  const script = output.find((o): o is Rollup.OutputChunk => o.type === 'chunk' && o.isEntry)?.code;
  if (!script) throw new Error('vite produced no bundle for browser-entry.ts');
  server = createServer((req, res) => {
    if (req.url === '/checks.js') {
      res.setHeader('content-type', 'text/javascript');
      res.end(script);
    } else {
      res.setHeader('content-type', 'text/html');
      res.end('<!doctype html><script type="module" src="/checks.js"></script>');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`); // localhost: a secure context
  await page.waitForFunction(() => 'webGpuChecks' in window);
  const result = await page.evaluate(() => window.webGpuChecks);
  if ('error' in result) throw new Error(`the checks failed in Chromium: ${result.error}`);
  inBrowser = result;
  gpu = await swiftShaderBackend();
  node = await runChecks(gpu);
}, 120_000);

afterAll(async () => {
  gpu?.dispose();
  await browser?.close();
  server?.close();
});

function references(): Record<string, Float32Array> {
  const { rows, inF, outF, tokens, heads, headDim } = CHECK_SHAPES;
  const linear = new Float32Array(rows * outF);
  linearReference(randomArray(rows * inF, 3), rows, randomArray(outF * inF, 1), randomArray(outF, 2), outF, inF, linear);
  const residual = randomArray(rows * outF, 4);
  for (let i = 0; i < linear.length; i++) linear[i] = Math.fround(activationFormulas.geluErf(linear[i]) + residual[i]);
  const layerNorm = new Float32Array(rows * outF);
  layerNormReference(linear, rows, outF, randomArray(outF, 5), randomArray(outF, 6), 1e-6, layerNorm);
  const width = heads * headDim;
  const qkv = randomArray(tokens * 3 * width, 7, 2);
  const attention = new Float32Array(tokens * width);
  attentionReference(
    { q: qkv, qOffset: 0, qRowStride: 3 * width, k: qkv, kOffset: width, kRowStride: 3 * width, v: qkv, vOffset: 2 * width, vRowStride: 3 * width, out: attention, outRowStride: width },
    { batch: 1, heads, queryLen: tokens, keyLen: tokens, headDim },
  );
  const x = randomArray(5 * 4 * 6, 10), w = randomArray(6 * 9, 8), b = randomArray(6, 9);
  const conv = new Float32Array(5 * 4 * 6);
  for (let y = 0; y < 5; y++)
    for (let xx = 0; xx < 4; xx++)
      for (let c = 0; c < 6; c++) {
        let s = b[c];
        for (let ky = 0; ky < 3; ky++)
          for (let kx = 0; kx < 3; kx++) {
            const iy = y + ky - 1, ix = xx + kx - 1;
            if (iy >= 0 && iy < 5 && ix >= 0 && ix < 4) s += x[(iy * 4 + ix) * 6 + c] * w[c * 9 + ky * 3 + kx];
          }
        conv[(y * 4 + xx) * 6 + c] = Math.min(6, Math.max(0, s));
      }
  return { linear, layerNorm, attentionFused: attention, attentionEager: attention, depthwiseConv: conv };
}

describe('webgpu backend in Chromium', () => {
  it('gets the SwiftShader adapter and batches the checks into one submission', () => {
    expect(inBrowser.adapter).toEqual({ vendor: 'google', architecture: 'swiftshader' });
    expect(inBrowser.counters.submissions).toBe(1);
    expect(inBrowser.counters).toEqual(node.counters);
  });

  it('matches the float64 references, and Node, on every output', () => {
    const want = references();
    for (const [name, expected] of Object.entries(want)) {
      const b = Float32Array.from(inBrowser.outputs[name]), n = Float32Array.from(node.outputs[name]);
      expect(maxAbsDiff(b, expected), `${name}: browser vs reference`).toBeLessThan(4e-6);
      expect(maxAbsDiff(n, expected), `${name}: node vs reference`).toBeLessThan(4e-6);
      expect(maxAbsDiff(b, n), `${name}: browser vs node`).toBeLessThan(4e-6);
      if (process.env.PUREVIT_WEBGPU_REPORT) console.log(`${name}: browser-node ${maxAbsDiff(b, n)}, browser-reference ${maxAbsDiff(b, expected)}`);
    }
  });
});
