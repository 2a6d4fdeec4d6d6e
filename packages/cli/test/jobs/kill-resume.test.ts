// Real `purevit` processes killed with SIGKILL midway through a batch job, then run again with
// --resume: the union of their outputs is what one uninterrupted run writes, with nothing twice.
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { ROOT } from '../helpers.js';

const BIN = `${ROOT}packages/cli/bin/purevit.js`;
const dir = await mkdtemp(join(tmpdir(), 'purevit-kill-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

// 400 distinct files (the 100 samples four times over), so a job runs long enough to be killed midway.
const images = join(dir, 'images');
const samples = (await readdir(`${ROOT}models/fashion-eval/samples`)).sort();
for (const copy of ['a', 'b', 'c', 'd']) {
  await mkdir(join(images, copy), { recursive: true });
  for (const s of samples) await copyFile(`${ROOT}models/fashion-eval/samples/${s}`, join(images, copy, s));
}
const TOTAL = 400;
const FLAGS = ['--threads', '1', '--batch-size', '2'];

function purevit(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? -1) : 0, stdout, stderr }));
  });
}

/** Starts `purevit <args>` and SIGKILLs it once `progress()` reports at least `atLeast`; returns what progress() then says. */
async function killMidway(args: string[], progress: () => Promise<number>, atLeast: number): Promise<number> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, stdio: 'ignore' });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_, signal) => resolve(signal)));
  const started = Date.now();
  while ((await progress()) < atLeast) {
    if (child.exitCode !== null) throw new Error('the job finished before it could be killed');
    if (Date.now() - started > 30_000) throw new Error('the job made no progress in 30 s');
    await new Promise((r) => setTimeout(r, 5));
  }
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return progress();
}

const lineCount = async (path: string): Promise<number> => {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.split('\n').length - 1;
};

describe('kill -9 and --resume', () => {
  it('classify --out: the resumed file equals an uninterrupted run, each image once', async () => {
    const whole = join(dir, 'whole.jsonl');
    expect((await purevit(['classify', images, '--out', whole, ...FLAGS])).code).toBe(0);
    const killed = join(dir, 'killed.jsonl');
    const linesAtKill = await killMidway(['classify', images, '--out', killed, ...FLAGS], () => lineCount(killed), 40);
    console.log(`classify killed with ${linesAtKill} of ${TOTAL} lines written`);
    expect(linesAtKill).toBeLessThan(TOTAL);
    const resumed = await purevit(['classify', images, '--out', killed, '--resume', ...FLAGS]);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(new RegExp(`^wrote \\d+ results to .*killed\\.jsonl \\(\\d+ already there\\)\\n$`));
    const text = await readFile(killed, 'utf8');
    expect(text).toBe(await readFile(whole, 'utf8'));
    const seen = text.trimEnd().split('\n').map((l) => (JSON.parse(l) as { image: string }).image);
    expect(new Set(seen).size).toBe(TOTAL);
  });

  it('embed --out-dir: the resumed parts hold the features of an uninterrupted run, each image once', async () => {
    const whole = join(dir, 'whole-parts');
    expect((await purevit(['embed', images, '--out-dir', whole, '--part-size', '16', ...FLAGS])).code).toBe(0);
    const killed = join(dir, 'killed-parts');
    const parts = async (): Promise<number> => (await readdir(killed).catch(() => [])).filter((n) => n.endsWith('.safetensors')).length;
    const partsAtKill = await killMidway(['embed', images, '--out-dir', killed, '--part-size', '16', ...FLAGS], parts, 3);
    console.log(`embed killed with ${partsAtKill} of ${TOTAL / 16} parts written`);
    expect(partsAtKill).toBeLessThan(TOTAL / 16);
    expect((await purevit(['embed', images, '--out-dir', killed, '--part-size', '16', '--resume', ...FLAGS])).code).toBe(0);
    // Parts split where the kill fell, so compare the concatenated image lists and feature rows.
    const read = async (folder: string): Promise<{ images: string[]; features: Float32Array }> => {
      const names = (await readdir(folder)).filter((n) => n.endsWith('.safetensors')).sort();
      const all = { images: [] as string[], rows: [] as number[] };
      for (const n of names) {
        const file = await SafetensorsFile.open(await fileSource(join(folder, n)));
        all.images.push(...(JSON.parse(file.metadata!.images) as string[]));
        all.rows.push(...(await file.readFloat32('features')));
      }
      return { images: all.images, features: Float32Array.from(all.rows) };
    };
    const [a, b] = [await read(whole), await read(killed)];
    expect(b.images).toEqual(a.images);
    expect(new Set(b.images).size).toBe(TOTAL);
    expect(b.features).toEqual(a.features);
    expect((await readdir(killed)).some((n) => n.endsWith('.incomplete'))).toBe(false);
    expect((await stat(join(killed, 'part.errors.jsonl'))).size).toBe(0);
  });
});
