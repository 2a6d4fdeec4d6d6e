/**
 * Peak memory and time of the hostile images of issue 18, each decoded (or classified) in a fresh
 * child process: `node --import ./test-utils/child/register.mjs benchmarks/hostile/image-memory.ts
 * [--root <checkout>]`. `--root` measures another checkout (e.g. main before the fix) with the same
 * inputs: its test-utils/child/ must hold this branch's register.mjs and ts-hooks.mjs.
 *
 * Peak RSS is the child's maxRSS (input generation happens in the parent); "ms" is the decode or
 * classify call alone.
 */
import { fork } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tinyProgressiveJpeg, zeroPng } from '../../packages/image/test/helpers/hostile-images.js';

interface Case {
  name: string;
  file: string;
  /** 'decode' one image, or 'classify' N copies in one pipeline call. */
  kind: 'decode' | 'classify';
  copies?: number;
}

const SELF = fileURLToPath(import.meta.url);
const HERE = resolve(SELF, '../../..');

async function inputs(dir: string): Promise<Case[]> {
  mkdirSync(dir, { recursive: true });
  const make = async (name: string, build: () => Promise<Uint8Array> | Uint8Array): Promise<string> => {
    const file = join(dir, name);
    if (!existsSync(file)) writeFileSync(file, await build());
    return file;
  };
  const png16 = await make('rgba16-16000x11000.png', () => zeroPng({ width: 16000, height: 11000, bitDepth: 16, colorType: 6 }));
  const png16exif = await make('rgba16-16000x11000-exif6.png', () => zeroPng({ width: 16000, height: 11000, bitDepth: 16, colorType: 6, orientation: 6 }));
  const jpeg = await make('progressive-65500x2730.jpg', () => tinyProgressiveJpeg(65500, 2730));
  const tall = await make('gray-1x178956970.png', () => zeroPng({ width: 1, height: 178956970, bitDepth: 8, colorType: 0 }));
  return [
    { name: 'PNG 16000x11000 RGBA 16-bit', file: png16, kind: 'decode' },
    { name: 'PNG 16000x11000 RGBA 16-bit, EXIF orientation 6', file: png16exif, kind: 'decode' },
    { name: 'progressive JPEG 65500x2730 (grey)', file: jpeg, kind: 'decode' },
    { name: '4 x that JPEG in one classify call', file: jpeg, kind: 'classify', copies: 4 },
    { name: 'grey PNG 1x178956970', file: tall, kind: 'decode' },
  ];
}

async function child(kind: string, file: string, copies: number): Promise<void> {
  const bytes = new Uint8Array(readFileSync(file));
  const started = performance.now();
  let outcome: string;
  try {
    if (kind === 'decode') {
      const { decodeImage } = await import('@purevit/image');
      const image = decodeImage(bytes);
      outcome = `${image.width}x${image.height}`;
    } else {
      const { pipeline } = await import('@purevit/models');
      const classify = await pipeline('image-classification');
      const t = performance.now();
      const results = await classify(Array.from({ length: copies }, () => bytes.slice()));
      outcome = `${results.length} results (${Math.round(performance.now() - t)} ms in the call)`;
    }
  } catch (e) {
    outcome = `${(e as Error).name}: ${(e as Error).message}`;
  }
  const ms = performance.now() - started;
  process.send!({ outcome, ms, peakMiB: process.resourceUsage().maxRSS / 1024 });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--child') return child(args[1], args[2], Number(args[3]));
  const root = args[0] === '--root' ? resolve(args[1]) : HERE;
  const register = join(root, 'test-utils/child/register.mjs');
  if (!existsSync(register)) throw new Error(`${register} is missing: copy this branch's test-utils/child/*.mjs there`);
  const cases = await inputs(join(tmpdir(), 'purevit-hostile-images'));
  for (const c of cases) {
    const result = await new Promise<{ outcome: string; ms: number; peakMiB: number }>((done, fail) => {
      const p = fork(SELF, ['--child', c.kind, c.file, String(c.copies ?? 1)], { execArgv: ['--import', register], cwd: root });
      p.on('message', (m) => done(m as { outcome: string; ms: number; peakMiB: number }));
      p.on('exit', (code, signal) => fail(new Error(`${c.name}: child exited with ${code ?? signal}`)));
    });
    console.log(JSON.stringify({ case: c.name, bytes: readFileSync(c.file).byteLength, peakMiB: Math.round(result.peakMiB), ms: Math.round(result.ms), outcome: result.outcome.slice(0, 160) }));
  }
}

await main();
