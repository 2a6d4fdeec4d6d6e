// The hub cache's defences against bad answers and interrupted downloads (issue 18), on the local fake hub.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, HubError, ReadLimitError, SafetensorsFile, writeSafetensors } from '@purevit/weights';
import { hubRepo } from '@purevit/weights/platform';
import { gitSha1, sha256, startFakeHub, type FakeHub } from './hub-server.js';

const COMMIT = 'c'.repeat(40);
const weights = writeSafetensors({ w: { dtype: 'F32', shape: [40_000], data: new Float32Array(40_000).map((_, i) => i) } });
const config = new TextEncoder().encode('{"model_type": "vit", "hidden_size": 4}');
const sha = sha256(weights);

let hub: FakeHub;
let root: string;
let n = 0;
const newCache = (): string => join(root, `cache-${n++}`);
const folder = (cache: string): string => join(cache, 'models--org--vit');
const repo = (cacheDir: string, extra: Parameters<typeof hubRepo>[1] = {}) => hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint, ...extra });
const flipped = (bytes: Uint8Array, at: number): Uint8Array => {
  const copy = bytes.slice();
  copy[at] ^= 0x40;
  return copy;
};

beforeAll(async () => {
  hub = await startFakeHub();
  root = mkdtempSync(join(tmpdir(), 'purevit-hub-integrity-'));
  hub.repos.set('org/vit', { refs: { main: COMMIT }, commits: { [COMMIT]: { 'config.json': config, 'model.safetensors': weights } } });
});
afterAll(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  hub.log.length = 0;
  hub.headerOverrides = {};
  hub.bodyOverrides.clear();
  hub.throttle = { chunk: 0, delayMs: 0 };
});

describe('every cached file is checked against its hash', () => {
  it('an upper-case sha256 ETag with corrupted bytes of the right size is refused, online and offline', async () => {
    const cacheDir = newCache();
    hub.headerOverrides = { 'X-Linked-Etag': `"${sha.toUpperCase()}"` };
    hub.bodyOverrides.set('model.safetensors', flipped(weights, 5000));
    const error = await repo(cacheDir).open('model.safetensors').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubError);
    expect(error).toMatchObject({ code: 'download_failed', message: expect.stringContaining(`does not match its sha256 ${sha.toUpperCase()}`) });
    expect(readdirSync(join(folder(cacheDir), 'blobs'))).toEqual([]);
    await expect(repo(cacheDir, { offline: true }).open('model.safetensors')).rejects.toMatchObject({ code: 'offline' });
  });

  it('an upper-case sha256 ETag with the right bytes is accepted', async () => {
    const cacheDir = newCache();
    hub.headerOverrides = { 'X-Linked-Etag': `"${sha.toUpperCase()}"` };
    const file = await SafetensorsFile.open(await repo(cacheDir).open('model.safetensors'));
    expect((await file.readFloat32('w'))[39_999]).toBe(39_999);
  });

  it('a corrupted non-LFS file (config.json) with a correct git blob sha1 ETag is refused, and a retry gets the real one', async () => {
    const cacheDir = newCache();
    hub.bodyOverrides.set('config.json', flipped(config, 3));
    const error = await repo(cacheDir).readJson('config.json').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'download_failed', message: expect.stringContaining(`does not match its git blob sha1 ${gitSha1(config)}`) });
    expect(existsSync(join(folder(cacheDir), 'blobs', gitSha1(config)))).toBe(false);
    hub.bodyOverrides.clear();
    expect(await repo(cacheDir).readJson('config.json')).toEqual({ model_type: 'vit', hidden_size: 4 });
  });

  it('a config file announced over 16 MiB is refused before its download, naming it', async () => {
    hub.headerOverrides = { 'Content-Length': String(600 * 1024 * 1024) };
    const error = await repo(newCache()).readJson('config.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toBe('config.json of org/vit@main is 600.0 MiB, over the 16.0 MiB limit for config files');
    expect(hub.log.map((r) => r.method)).toEqual(['HEAD']);
  });

  it('a redirect to an unusable Location is a HubError naming it', async () => {
    hub.headerOverrides = { Location: 'javascript:alert(1)' };
    await expect(repo(newCache()).open('model.safetensors')).rejects.toMatchObject({ name: 'HubError', message: expect.stringContaining('unusable redirect') });
  });
});

describe('stalled and killed downloads', () => {
  it('a CDN that stalls mid-body: the idle timeout, nothing stored', async () => {
    const cacheDir = newCache();
    hub.throttle = { chunk: 10_000, delayMs: 60_000 };
    const error = await repo(cacheDir, { limits: { idleTimeoutMs: 200 } }).open('model.safetensors').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReadLimitError);
    expect(error).toMatchObject({ code: 'stalled', message: expect.stringContaining('model.safetensors of org/vit@main: nothing received for 0.2 s') });
    expect(readdirSync(join(folder(cacheDir), 'blobs'))).toEqual([]);
  });

  it("a killed download's partial file is resumed with a Range request; its lock and other leftovers are removed", async () => {
    const cacheDir = newCache();
    const blobs = join(folder(cacheDir), 'blobs');
    mkdirSync(blobs, { recursive: true });
    const keep = 70_000;
    writeFileSync(join(blobs, `${sha}.0123abcd.incomplete`), weights.subarray(0, keep));
    writeFileSync(join(blobs, `${sha}.89abcdef.incomplete`), weights.subarray(0, 1000)); // a smaller leftover
    // The killed process's lock: its pid no longer runs.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    const locks = join(cacheDir, '.locks', 'models--org--vit');
    mkdirSync(locks, { recursive: true });
    writeFileSync(join(locks, `${sha}.lock`), `${dead}@${hostname()}#x`);

    const file = await SafetensorsFile.open(await repo(cacheDir).open('model.safetensors'));
    expect((await file.readFloat32('w'))[12_345]).toBe(12_345);
    const get = hub.log.find((r) => r.server === 'cdn' && r.method === 'GET');
    expect(get?.range).toBe(`bytes=${keep}-`);
    expect(readdirSync(blobs)).toEqual([sha]);
    expect(readdirSync(locks)).toEqual([]);
    expect(readFileSync(join(blobs, sha)).equals(weights)).toBe(true);
  });

  it('a corrupt partial file is caught by the hash when resumed; the next try starts afresh', async () => {
    const cacheDir = newCache();
    const blobs = join(folder(cacheDir), 'blobs');
    mkdirSync(blobs, { recursive: true });
    writeFileSync(join(blobs, `${sha}.00000000.incomplete`), flipped(weights.subarray(0, 50_000), 100));
    await expect(repo(cacheDir).open('model.safetensors')).rejects.toMatchObject({ code: 'download_failed' });
    expect(readdirSync(blobs)).toEqual([]);
    await repo(cacheDir).open('model.safetensors');
    expect(readFileSync(join(blobs, sha)).equals(weights)).toBe(true);
  });
});
