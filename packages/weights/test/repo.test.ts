import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { InvalidNameError, loadWeights, memoryRepo, SafetensorsFile, WeightError, writeSafetensors } from '@purevit/weights';
import { fileSource, openRepo, readBytes } from '@purevit/weights/platform';

const tmp = mkdtempSync(join(tmpdir(), 'purevit-repo-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const f32 = (...v: number[]) => ({ dtype: 'F32' as const, shape: [v.length], data: new Float32Array(v) });
const shard1 = writeSafetensors({ a: f32(1), b: f32(2) });
const shard2 = writeSafetensors({ c: f32(3) });
const index = (weightMap: Record<string, string>) => JSON.stringify({ metadata: { total_size: 12 }, weight_map: weightMap });

describe('loadWeights', () => {
  it('merges shards in the order the index names them', async () => {
    const repo = memoryRepo({ 'model.safetensors.index.json': index({ c: 's2', a: 's1', b: 's1' }), s1: shard1, s2: shard2 });
    const map = await loadWeights(repo);
    expect([...map.keys()]).toEqual(['c', 'a', 'b']);
    expect([...(await map.get('c')!.load())]).toEqual([3]);
  });

  it('takes a key only from the shard the index assigns it to', async () => {
    const both = writeSafetensors({ a: f32(9), c: f32(3) });
    const map = await loadWeights(memoryRepo({ 'model.safetensors.index.json': index({ a: 's1', b: 's1', c: 's2' }), s1: shard1, s2: both }));
    expect([...(await map.get('a')!.load())]).toEqual([1]);
  });

  it('clear errors: no checkpoint, broken index, key not in its shard, key in two shards', async () => {
    const none = await loadWeights(memoryRepo({ 'pytorch_model.bin': new Uint8Array(4) }, 'org/old')).catch((e: unknown) => e);
    expect(none).toBeInstanceOf(WeightError);
    expect((none as WeightError).code).toBe('no_checkpoint');
    expect((none as Error).message).toMatch(/org\/old has neither model\.safetensors nor model\.safetensors\.index\.json.*\.bin/);
    await expect(loadWeights(memoryRepo({ 'model.safetensors.index.json': '{"metadata": {}}' }))).rejects.toMatchObject({ code: 'invalid_index' });
    await expect(loadWeights(memoryRepo({ 'model.safetensors.index.json': index({ a: 's2' }), s2: shard2 }))).rejects.toMatchObject({
      code: 'invalid_index',
      key: 'a',
    });
    const dup = writeSafetensors({ a: f32(1) });
    const err = await loadWeights(memoryRepo({ 'model.safetensors.index.json': index({ b: 's1' }), s1: shard1, s2: dup, 'x.json': '' }))
      .then(() => undefined)
      .catch((e: unknown) => e);
    expect(err).toBeUndefined(); // s2 is not listed, so it is never opened
    await expect(loadWeights(memoryRepo({ 'model.safetensors.index.json': index({ b: 's1', c: 's2' }), s1: shard1, s2: writeSafetensors({ a: f32(1), c: f32(3) }) }))).rejects.toMatchObject({
      code: 'duplicate_tensor',
      key: 'a',
    });
  });

  it('another checkpoint name through the filename option', async () => {
    const map = await loadWeights(memoryRepo({ 'open_clip_model.safetensors': shard2 }), { filename: 'open_clip_model.safetensors' });
    expect([...map.keys()]).toEqual(['c']);
  });
});

describe('local folders and files', () => {
  it('opens folder paths and file: URLs; file names cannot leave the folder', async () => {
    writeFileSync(join(tmp, 'model.safetensors'), shard1);
    writeFileSync(join(tmp, 'config.json'), '{"x": 1}');
    for (const id of [tmp, pathToFileURL(tmp).href]) {
      const repo = await openRepo(id);
      expect(await repo.readJson('config.json')).toEqual({ x: 1 });
      expect(await repo.exists('config.json')).toBe(true);
      expect(await repo.exists('missing.json')).toBe(false);
      expect([...(await loadWeights(repo)).keys()]).toEqual(['a', 'b']);
      await expect(repo.readText('../config.json')).rejects.toThrow(InvalidNameError);
      await expect(repo.exists('/etc/passwd')).rejects.toThrow(InvalidNameError);
    }
    writeFileSync(join(tmp, 'bad.json'), '{');
    await expect((await openRepo(tmp)).readJson('bad.json')).rejects.toThrow('bad.json is not valid JSON');
  });

  it('readBytes takes paths and file: URLs', async () => {
    const path = join(tmp, 'config.json');
    expect(new TextDecoder().decode(await readBytes(path))).toBe('{"x": 1}');
    expect(new TextDecoder().decode(await readBytes(pathToFileURL(path).href))).toBe('{"x": 1}');
    await expect(readBytes(join(tmp, 'nope'))).rejects.toThrow(/ENOENT/);
  });

  it('a file replaced after its header was read is detected, not mixed up', async () => {
    const path = join(tmp, 'swap.safetensors');
    writeFileSync(path, shard1);
    const file = await SafetensorsFile.open(await fileSource(path));
    expect([...(await file.readFloat32('b'))]).toEqual([2]);
    writeFileSync(path, writeSafetensors({ a: f32(7), b: f32(8), pad: f32(0, 0, 0) }));
    await expect(file.readFloat32('b')).rejects.toMatchObject({ code: 'read_failed', message: expect.stringContaining('changed after it was opened') });
  });
});
