// classify --out and embed --out-dir as batch jobs (in-process): results equal the library's,
// shards concatenated equal one unsharded run, resume after a cut loses and repeats nothing.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '@purevit/models';
import { SafetensorsFile } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { ROOT, cli } from '../helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-jobs-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
const images = join(dir, 'images');
const samples = (await readdir(`${ROOT}models/fashion-eval/samples`)).sort().slice(0, 20);
await mkdir(images);
for (const s of samples) await copyFile(`${ROOT}models/fashion-eval/samples/${s}`, join(images, s));
const inputs = samples.map((s) => join(images, s)); // what the folder expands to
const ENGINE = ['--threads', '1']; // any thread count gives the same bits; one leaves a core to the rest of the suite

async function run(argv: string[]): Promise<void> {
  const result = await cli([...argv, ...ENGINE]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

/** Every part in `folder` matching `prefix`, in name order: images and features concatenated. */
async function readParts(folder: string, prefix = 'part'): Promise<{ images: string[]; features: number[] }> {
  const names = (await readdir(folder)).filter((n) => n.startsWith(prefix) && n.endsWith('.safetensors')).sort();
  const out = { images: [] as string[], features: [] as number[] };
  for (const name of names) {
    const file = await SafetensorsFile.open(await fileSource(join(folder, name)));
    out.images.push(...(JSON.parse(file.metadata!.images) as string[]));
    out.features.push(...(await file.readFloat32('features')));
  }
  return out;
}

describe('batch jobs', () => {
  it('classify --out: one JSON line per image as the library classifies it; shards concatenated equal the unsharded run', async () => {
    const whole = join(dir, 'whole.jsonl');
    await run(['classify', images, '--out', whole, '--top-k', '3', '--batch-size', '4']);
    const lines = (await readFile(whole, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as { image: string; predictions: unknown });
    const expected = await (await pipeline('image-classification'))(inputs, { topK: 3 });
    expect(lines).toEqual(inputs.map((image, n) => ({ image, predictions: expected[n] })));

    const parts: string[] = [];
    for (let i = 0; i < 3; i++) {
      parts.push(join(dir, `shard-${i}.jsonl`));
      await run(['classify', images, '--out', parts[i], '--top-k', '3', '--shard', `${i}/3`, '--batch-size', '3']);
    }
    expect((await Promise.all(parts.map((p) => readFile(p, 'utf8')))).join('')).toBe(await readFile(whole, 'utf8'));
  });

  it('classify --resume after a kill mid-write: the file is completed to what one run writes, with no line twice', async () => {
    const whole = await readFile(join(dir, 'whole.jsonl'), 'utf8');
    const cut = join(dir, 'cut.jsonl');
    await writeFile(cut, whole);
    await truncate(cut, whole.indexOf('\n', whole.length / 2) - 25); // inside a line, past the middle
    const again = await cli(['classify', images, '--out', cut, '--top-k', '3', ...ENGINE]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists: add --resume/);
    await run(['classify', images, '--out', cut, '--top-k', '3', '--resume', '--batch-size', '5']);
    expect(await readFile(cut, 'utf8')).toBe(whole);
    const done = await cli(['classify', images, '--out', cut, '--resume', ...ENGINE]);
    expect(done.stdout).toBe(`wrote 0 results to ${cut} (20 already there)\n`);
  });

  it('a file that cannot be read is an error line; the rest are classified; exit 1 names the count', async () => {
    const mixed = join(dir, 'mixed');
    await mkdir(mixed);
    await copyFile(inputs[0], join(mixed, 'a.png'));
    await writeFile(join(mixed, 'b.png'), 'not a png');
    const manifest = join(dir, 'mixed.txt');
    await writeFile(manifest, `${join(mixed, 'a.png')}\n${join(mixed, 'b.png')}\n${join(mixed, 'gone.png')}\n`);
    const out = join(dir, 'mixed.jsonl');
    const result = await cli(['classify', '--manifest', manifest, '--out', out, ...ENGINE]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`purevit: 2 of 3 images failed; their "error" lines are in ${out}\n`);
    const lines = (await readFile(out, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => Object.keys(l))).toEqual([['image', 'predictions'], ['image', 'error'], ['image', 'error']]);
    expect(lines[1].error).toMatch(/not a PNG or JPEG/);
    expect(lines[2]).toEqual({ image: join(mixed, 'gone.png'), error: 'no such file' });
  });

  it('embed --out-dir: safetensors parts of --part-size images; shards in one folder concatenate to the unsharded parts', async () => {
    const whole = join(dir, 'features');
    await run(['embed', images, '--out-dir', whole, '--part-size', '6', '--batch-size', '4']);
    expect((await readdir(whole)).sort()).toEqual(['part-000000.safetensors', 'part-000001.safetensors', 'part-000002.safetensors', 'part-000003.safetensors', 'part.errors.jsonl']);
    const expected = await (await pipeline('image-feature-extraction'))(inputs);
    const parts = await readParts(whole);
    expect(parts.images).toEqual(inputs);
    expect(Float32Array.from(parts.features)).toEqual(Float32Array.from(expected.flatMap((f) => Array.from(f.data))));

    const sharded = join(dir, 'sharded');
    for (let i = 0; i < 4; i++) await run(['embed', images, '--out-dir', sharded, '--part-size', '4', '--shard', `${i}/4`]);
    expect(await readParts(sharded)).toEqual(parts);
  });

  it('embed --resume: partial work and leftovers of a kill (temporaries, a list without its .npy) are redone, nothing twice', async () => {
    const full = join(dir, 'npy-full');
    await run(['embed', images, '--out-dir', full, '--format', 'npy', '--part-size', '8']);
    const npy = (await readdir(full)).filter((n) => n.endsWith('.npy')).sort();
    expect(npy).toEqual(['part-000000.npy', 'part-000001.npy', 'part-000002.npy']);

    const cut = join(dir, 'npy-cut');
    await mkdir(cut);
    for (const f of ['part-000000.npy', 'part-000000.images.json', 'part.errors.jsonl']) await copyFile(join(full, f), join(cut, f));
    await copyFile(join(full, 'part-000001.images.json'), join(cut, 'part-000001.images.json')); // its .npy never landed
    await writeFile(join(cut, 'part-000001.npy.3f2a1b.incomplete'), 'half a file');
    await run(['embed', images, '--out-dir', cut, '--format', 'npy', '--part-size', '8', '--resume']);
    expect((await readdir(cut)).sort()).toEqual((await readdir(full)).sort());
    for (const name of await readdir(full)) expect(await readFile(join(cut, name)), name).toEqual(await readFile(join(full, name)));
  });
});
