/**
 * purevit as an npm dependency, the way a user gets it: every runtime package (and the CLI) is packed with
 * `npm pack`, the tarballs are installed into a temporary project outside the repository (no workspace link,
 * no path into it), and there:
 *   1. the root README's three API examples run as written, and the `purevit` command classifies a sample;
 *   2. a TypeScript file type-checks against the published types (strict, skipLibCheck off);
 *   3. a page built with Vite from that project runs in Chromium (playwright-core, Debian's /usr/bin/chromium);
 *   4. the same classification runs under Deno and Bun (the npm packages `deno` and `bun`).
 * Labels and scores are compared exactly. V8 (Node, Deno, Chromium) runs the relaxed-SIMD GEMM with fused
 * multiply-adds on this machine, so the three must give the same bits. JavaScriptCore (Bun) accepts relaxed
 * SIMD but may round f32x4.relaxed_madd twice (the relaxed-SIMD proposal allows either), which is exactly the
 * plain-SIMD kernel's arithmetic: Bun must equal Node's FMA or Node's plain results bit for bit.
 */

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import ts from 'typescript';
import { build, createLogger, preview, type Rollup } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '@purevit/image';
import { tsBlocks } from '../../test-utils/readme-examples.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./fixture/', import.meta.url));
const BIN = join(ROOT, 'node_modules/.bin');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What `npm pack` packs: the runtime packages and the CLI (workspace folder → package name). */
const PACKAGES: Record<string, string> = {
  'packages/core': '@purevit/core',
  'packages/weights': '@purevit/weights',
  'packages/image': '@purevit/image',
  'packages/fashion-vit-tiny': '@purevit/fashion-vit-tiny',
  'packages/models': '@purevit/models',
  'packages/cli': 'purevit',
};
/** Everything a user's install brings, and nothing else (a devDependency here would be a leak); @types/node is the user's own. */
const INSTALLED = [...Object.values(PACKAGES), '@types/ndarray', 'ndarray', 'iota-array', 'is-buffer', '@types/node', 'undici-types'].sort();
const SAMPLES = ['0000_9.png', '0009_7.png', '0002_1.png', '0018_8.png'];

interface Prediction {
  label: string;
  score: number;
}
interface RunResult {
  runtime: string;
  engine: { backend: string; simd: string | null; threads: number; sharedMemory: boolean };
  results: { image: string; predictions: Prediction[] }[];
}

let work: string;
let project: string;
const footprint = { packages: 0, bytes: 0, installSeconds: 0 };

async function sh(file: string, args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  try {
    const { stdout } = await run(file, args, { cwd: options.cwd ?? project, env: { ...process.env, ...options.env }, maxBuffer: 1 << 26 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}`);
  }
}

async function runtimeJson(file: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<RunResult> {
  const out = await sh(file, args, { env });
  return JSON.parse(out.trim().split('\n').at(-1)!) as RunResult;
}

/** Every file under `dir` (symlinks listed, not followed). */
async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(path)));
    else out.push(path);
  }
  return out;
}

async function sizeOf(dir: string): Promise<number> {
  let bytes = 0;
  for (const file of await walk(dir)) bytes += (await lstat(file)).size;
  return bytes;
}

let node: RunResult;
let nodePlain: RunResult;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'purevit-consumer-'));
  project = join(work, 'project');
  // dist/ as the sources are now (incremental: quick when `npm ci` or `npm run build` already built it).
  await sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'packages/cli'], { cwd: ROOT });
  const packs = join(work, 'packs');
  await mkdir(packs);
  const packed = JSON.parse(
    await sh('npm', ['pack', '--json', '--pack-destination', packs, ...Object.keys(PACKAGES).flatMap((w) => ['-w', w])], { cwd: ROOT }),
  ) as { name: string; filename: string }[];
  expect(packed.map((p) => p.name).sort()).toEqual(Object.values(PACKAGES).sort());

  await cp(FIXTURE, project, { recursive: true });
  await mkdir(join(project, 'models/fashion-eval/samples'), { recursive: true });
  for (const s of SAMPLES) await cp(join(ROOT, 'models/fashion-eval/samples', s), join(project, 'models/fashion-eval/samples', s));
  const typesNode = (JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@types/node'];
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:${join(packs, p.filename)}`]));
  await writeFile(join(project, 'package.json'), `${JSON.stringify({ name: 'purevit-consumer', private: true, type: 'module', dependencies: { ...dependencies, '@types/node': typesNode } }, null, 2)}\n`);
  // The registry is reachable; what `npm ci` fetched for the repository is in npm's cache, so this is quick.
  const start = performance.now();
  await sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error']);
  footprint.installSeconds = (performance.now() - start) / 1000;
  footprint.bytes = await sizeOf(join(project, 'node_modules'));

  [node, nodePlain] = await Promise.all([runtimeJson(process.execPath, ['classify.mjs']), runtimeJson(process.execPath, ['classify.mjs', 'plain'])]);
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('purevit installed from packed tarballs into a project outside the repository', () => {
  it('installs exactly the packages and their dependencies: no devDependency, no link or path into the repository', async () => {
    const lock = JSON.parse(await readFile(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { link?: boolean; resolved?: string }> };
    const installed = Object.keys(lock.packages).filter((k) => k !== '').map((k) => k.replace(/^.*node_modules\//, '')).sort();
    expect(installed).toEqual(INSTALLED);
    footprint.packages = installed.length - 2; // less the user's own @types/node and its undici-types
    expect(Object.values(lock.packages).filter((p) => p.link)).toEqual([]);
    const files = await walk(join(project, 'node_modules'));
    const links = [];
    for (const f of files) if ((await lstat(f)).isSymbolicLink()) links.push([relative(project, f), resolve(join(f, '..'), await readlink(f))]);
    expect(links.filter(([, target]) => !target.startsWith(project))).toEqual([]);
    for (const f of files.filter((f) => /@purevit|\/purevit\//.test(f) && /\.(js|json|ts|map)$/.test(f))) {
      expect(await readFile(f, 'utf8'), relative(project, f)).not.toContain(ROOT.replace(/\/$/, ''));
    }
    // Each published manifest: an exports map with types, dependencies on published versions only.
    for (const name of Object.values(PACKAGES)) {
      const manifest = JSON.parse(await readFile(join(project, 'node_modules', name, 'package.json'), 'utf8')) as {
        exports: Record<string, unknown>; dependencies?: Record<string, string>; devDependencies?: Record<string, string>;
      };
      expect(JSON.stringify(manifest.exports), name).toContain('"types"');
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) expect(range, `${name} → ${dep}`).toMatch(/^\^?\d+\.\d+\.\d+$/);
    }
    console.log(`consumer install: ${footprint.packages} packages (+ @types/node), ${(footprint.bytes / 1e6).toFixed(1)} MB of node_modules, ${footprint.installSeconds.toFixed(1)} s`);
  });

  it('runs the README\'s three API examples as written', async () => {
    const examples = tsBlocks(join(ROOT, 'README.md')).filter((code) => code.includes('import '));
    expect(examples).toHaveLength(3);
    const outputs = [];
    for (const [i, code] of examples.entries()) {
      const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
      await writeFile(join(project, `readme-${i}.mjs`), js);
      outputs.push(await sh(process.execPath, [`readme-${i}.mjs`]));
    }
    expect(outputs).toEqual(['Ankle boot 0.78\n', '[ 96 ] 0.47 0.05\n', '[ 7, 7 ]\n']);
    const heat = decodeImage(new Uint8Array(await readFile(join(project, 'boot-attention.png'))));
    expect([heat.width, heat.height]).toEqual([224, 224]);
  });

  it('runs the purevit command without --model: the README command, and JSON equal to the library\'s', async () => {
    const text = await sh('npx', ['--no', 'purevit', 'classify', 'models/fashion-eval/samples/0000_9.png']);
    expect(text.split('\n')[1]).toMatch(/^ +78\.01% {2}Ankle boot$/);
    const json = JSON.parse(await sh('npx', ['--no', 'purevit', 'classify', ...SAMPLES.map((s) => `models/fashion-eval/samples/${s}`), '--top-k', '10', '--json'])) as {
      predictions: Prediction[];
    }[];
    expect(json.map((r) => r.predictions)).toEqual(node.results.map((r) => r.predictions));
  });

  it('type-checks a TypeScript consumer against the published types (strict, skipLibCheck off)', async () => {
    await sh(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
  });

  it('Node: the default is the relaxed-SIMD FMA GEMM (no flag, no call), Ankle boot first', () => {
    expect(node.engine).toMatchObject({ backend: 'wasm', simd: 'relaxed' });
    expect(nodePlain.engine).toMatchObject({ backend: 'wasm', simd: 'plain' });
    expect(node.results[0].predictions[0].label).toBe('Ankle boot');
    expect(node.results.map((r) => r.predictions[0].label)).toEqual(['Ankle boot', 'Sneaker', 'Trouser', 'Bag']); // samples.json: PyTorch's
    expect(nodePlain.results).not.toEqual(node.results); // two arithmetics, told apart
  });

  it('Deno runs it from node_modules and gives Node\'s labels and scores, bit for bit', async () => {
    const deno = await runtimeJson(join(BIN, 'deno'), ['run', '--allow-read', '--allow-env', '--allow-sys', 'classify.mjs'], {
      DENO_NO_UPDATE_CHECK: '1', DENO_DIR: join(work, 'deno-cache'),
    });
    console.log(`${deno.runtime}: ${JSON.stringify(deno.engine)}`);
    expect(deno.runtime).toMatch(/^deno /);
    expect(deno.engine).toMatchObject({ backend: 'wasm', simd: 'relaxed' });
    expect(deno.results).toEqual(node.results);
  });

  it('Bun runs it from node_modules: Node\'s labels, and Node\'s scores for the arithmetic its relaxed_madd does', async () => {
    const bun = await runtimeJson(join(BIN, 'bun'), ['classify.mjs'], { DO_NOT_TRACK: '1' });
    const same = bun.results.every((r, i) => JSON.stringify(r) === JSON.stringify(node.results[i])) ? 'fused (as Node)' : 'unfused (as Node\'s plain SIMD)';
    console.log(`${bun.runtime}: ${JSON.stringify(bun.engine)}, relaxed_madd ${same}`);
    expect(bun.runtime).toMatch(/^bun /);
    expect(bun.engine.backend).toBe('wasm');
    expect(bun.results.map((r) => r.predictions.map((p) => p.label))).toEqual(node.results.map((r) => r.predictions.map((p) => p.label)));
    expect([node.results, nodePlain.results]).toContainEqual(bun.results);
  });

  it('a page built with Vite runs the bundled model in Chromium and gives Node\'s labels and scores, bit for bit', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: npm test's pretest step (scripts/test-prerequisites.mjs) installs Debian's chromium`);
    const warnings: string[] = [];
    const logger = createLogger('warn');
    logger.warn = (message) => void warnings.push(message);
    logger.warnOnce = logger.warn;
    const outDir = join(work, 'web-dist');
    const config = { root: join(project, 'web'), configFile: false as const, logLevel: 'warn' as const, customLogger: logger, build: { outDir, emptyOutDir: true } };
    const output = (await build(config)) as Rollup.RollupOutput;
    expect(warnings).toEqual([]);
    const model = output.output.find((o) => o.fileName.endsWith('.safetensors'));
    expect(model?.type).toBe('asset'); // the bundler copied the model's weights next to the page
    expect((await stat(join(outDir, model!.fileName))).size).toBe((await stat(join(ROOT, 'models/fashion-vit-tiny/model.safetensors'))).size);

    const server = await preview({ ...config, preview: { host: '127.0.0.1', port: 0, strictPort: true, open: false } });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const address = server.httpServer.address();
      if (address === null || typeof address === 'string') throw new Error(`preview server: unexpected address ${String(address)}`);
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${address.port}/`);
      await page.waitForFunction(() => (globalThis as { __purevitConsumer?: unknown }).__purevitConsumer !== undefined, null, { timeout: 60_000 });
      const result = await page.evaluate(() => (globalThis as { __purevitConsumer?: unknown }).__purevitConsumer);
      expect(errors).toEqual([]);
      expect(result).not.toHaveProperty('error');
      const web = result as RunResult;
      console.log(`Chromium ${browser.version()}: ${JSON.stringify(web.engine)}`);
      expect(web.engine).toMatchObject({ backend: 'wasm', simd: 'relaxed' });
      expect(web.results).toEqual(node.results);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});
