import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HubError, InvalidNameError, loadWeights, SafetensorsFile, writeSafetensors } from '@purevit/weights';
import { defaultCacheDir, hubRepo, openRepo, repoFolderName } from '@purevit/weights/platform';
import { downloadBlob } from '../src/node/hub-download.js';
import { gitSha1, sha256, startFakeHub, type FakeHub } from './hub-server.js';

const COMMIT = 'a'.repeat(40);
const COMMIT2 = 'b'.repeat(40);
const enc = new TextEncoder();
const weights = writeSafetensors(
  { 'embeddings.cls_token': { dtype: 'F32', shape: [1, 1, 4], data: new Float32Array([1, 2, 3, 4]) }, big: { dtype: 'F32', shape: [50_000], data: new Float32Array(50_000).map((_, i) => i) } },
  { format: 'pt' },
);
const config = enc.encode('{"model_type": "vit", "hidden_size": 4}');

let hub: FakeHub;
let root: string;
let n = 0;
/** A fresh, empty cache folder per test. */
const newCache = (): string => join(root, `cache-${n++}`);

beforeAll(async () => {
  hub = await startFakeHub();
  root = mkdtempSync(join(tmpdir(), 'purevit-hub-'));
  hub.repos.set('org/vit', { refs: { main: COMMIT, v2: COMMIT2 }, commits: { [COMMIT]: { 'config.json': config, 'model.safetensors': weights }, [COMMIT2]: { 'config.json': enc.encode('{}') } } });
  hub.repos.set('org/private', { refs: { main: COMMIT }, commits: { [COMMIT]: { 'config.json': config, 'model.safetensors': weights } }, token: 'hf_secret' });
});
afterAll(async () => {
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});
afterEach(() => {
  hub.log.length = 0;
  hub.cutAfter.clear();
  hub.headerOverrides = {};
});

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' });
}

describe('cache location', () => {
  it('follows huggingface_hub: HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub, XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub', () => {
    const all = { HF_HUB_CACHE: '/a', HUGGINGFACE_HUB_CACHE: '/b', HF_HOME: '/c', XDG_CACHE_HOME: '/d', HOME: process.env.HOME };
    expect(defaultCacheDir(all)).toBe('/a');
    expect(defaultCacheDir({ ...all, HF_HUB_CACHE: undefined })).toBe('/b');
    expect(defaultCacheDir({ HF_HOME: '/c', XDG_CACHE_HOME: '/d' })).toBe('/c/hub');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/d' })).toBe('/d/huggingface/hub');
    expect(defaultCacheDir({})).toMatch(/\.cache\/huggingface\/hub$/);
    expect(repoFolderName('google/vit-base-patch16-224')).toBe('models--google--vit-base-patch16-224');
  });
});

describe('names cannot escape the cache', () => {
  it('rejects bad repo ids, revisions and file names', async () => {
    for (const id of ['a/b/c', '../x', 'a--b', 'a..b', '-a', 'a.', 'x.git', 'a b', '', 'a'.repeat(97)]) {
      expect(() => hubRepo(id, { cacheDir: newCache() }), id).toThrow(InvalidNameError);
    }
    for (const id of ['vit', 'google/vit-base-patch16-224', 'Org_1/a.b-c']) expect(() => hubRepo(id, { cacheDir: newCache() })).not.toThrow();
    for (const revision of ['../main', 'a/../../b', '/abs', 'a\\b', '']) {
      expect(() => hubRepo('org/vit', { cacheDir: newCache(), revision }), revision).toThrow(InvalidNameError);
    }
    const repo = hubRepo('org/vit', { cacheDir: newCache(), endpoint: hub.endpoint });
    for (const file of ['../../etc/passwd', '/etc/passwd', 'a/../b', 'C:\\x', 'a\\..\\b', './x', 'a//b']) {
      await expect(repo.readText(file), file).rejects.toThrow(InvalidNameError);
    }
    expect(hub.log).toEqual([]);
    await expect(openRepo('./no/such/folder')).rejects.toThrow('is not a folder');
  });

  it('rejects a server etag that would name a path', async () => {
    const cacheDir = newCache();
    hub.headerOverrides = { ETag: '"../../../evil"' };
    await expect(hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint }).readText('config.json')).rejects.toThrow(InvalidNameError);
    expect(existsSync(join(cacheDir, 'evil'))).toBe(false);
  });
});

describe('downloads into the shared cache layout', () => {
  it('resolves, downloads, links and reads back with no network the second time', async () => {
    const cacheDir = newCache();
    const progress: { file: string; loaded: number; total: number | undefined }[] = [];
    const repo = await openRepo('org/vit', { cacheDir, endpoint: hub.endpoint, onProgress: (p) => progress.push(p) });
    expect(repo.id).toBe('org/vit');
    expect(await repo.readJson('config.json')).toEqual({ model_type: 'vit', hidden_size: 4 });
    const map = await loadWeights(repo);
    expect([...(await map.get('embeddings.cls_token')!.load())]).toEqual([1, 2, 3, 4]);
    expect((await map.get('big')!.load())[49_999]).toBe(49_999);

    const folder = join(cacheDir, 'models--org--vit');
    expect(readFileSync(join(folder, 'refs/main'), 'utf8')).toBe(COMMIT);
    const weightsLink = join(folder, 'snapshots', COMMIT, 'model.safetensors');
    expect(lstatSync(weightsLink).isSymbolicLink()).toBe(true);
    expect(readlinkSync(weightsLink)).toBe(join('..', '..', 'blobs', sha256(weights)));
    expect(readlinkSync(join(folder, 'snapshots', COMMIT, 'config.json'))).toBe(join('..', '..', 'blobs', gitSha1(config)));
    expect(readFileSync(join(folder, 'blobs', sha256(weights)))).toEqual(Buffer.from(weights));
    // The missing sharded index was recorded as absent at this commit.
    expect(existsSync(join(folder, '.no_exist', COMMIT, 'model.safetensors.index.json'))).toBe(true);
    expect(allFiles(cacheDir).filter((f) => f.includes('incomplete') || f.endsWith('.tmp'))).toEqual([]);

    const weightProgress = progress.filter((p) => p.file === 'model.safetensors');
    expect(weightProgress.at(-1)).toEqual({ file: 'model.safetensors', loaded: weights.byteLength, total: weights.byteLength });
    expect(weightProgress.every((p, i) => i === 0 || p.loaded >= weightProgress[i - 1].loaded)).toBe(true);

    // The CDN is another origin: the blob GET follows the 302 and carries no Authorization.
    expect(hub.log.some((r) => r.server === 'cdn' && r.method === 'GET')).toBe(true);

    hub.log.length = 0;
    const again = await openRepo('org/vit', { cacheDir, endpoint: hub.endpoint });
    const map2 = await loadWeights(again);
    expect([...(await map2.get('embeddings.cls_token')!.load())]).toEqual([1, 2, 3, 4]);
    expect(await again.readText('config.json')).toBe(new TextDecoder().decode(config));
    expect(hub.log).toEqual([]);
  });

  it('uses a cache written by Python as it is, without network', async () => {
    const cacheDir = newCache();
    const folder = join(cacheDir, 'models--google--vit-base-patch16-224');
    const blob = gitSha1(config);
    mkdirSync(join(folder, 'blobs'), { recursive: true });
    mkdirSync(join(folder, 'refs'));
    mkdirSync(join(folder, 'snapshots', COMMIT), { recursive: true });
    writeFileSync(join(folder, 'refs', 'main'), COMMIT);
    writeFileSync(join(folder, 'blobs', blob), config);
    symlinkSync(join('..', '..', 'blobs', blob), join(folder, 'snapshots', COMMIT, 'config.json'));
    // An endpoint nobody listens on: any request would fail.
    const repo = await openRepo('google/vit-base-patch16-224', { cacheDir, endpoint: 'http://127.0.0.1:9' });
    expect(await repo.readJson('config.json')).toEqual({ model_type: 'vit', hidden_size: 4 });
    expect(await repo.exists('config.json')).toBe(true);
    const byCommit = await openRepo('google/vit-base-patch16-224', { cacheDir, endpoint: 'http://127.0.0.1:9', revision: COMMIT });
    expect(await byCommit.readText('config.json')).toContain('vit');
  });

  it('HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN and HF_HUB_OFFLINE come from the environment', async () => {
    const saved = { ...process.env };
    try {
      const cacheDir = newCache();
      process.env.HF_HUB_CACHE = cacheDir;
      process.env.HF_ENDPOINT = hub.endpoint;
      process.env.HF_TOKEN = 'hf_secret';
      const repo = await openRepo('org/private');
      expect(await repo.readText('config.json')).toBe(new TextDecoder().decode(config));
      expect(hub.log.filter((r) => r.server === 'hub').every((r) => r.authorization === 'Bearer hf_secret')).toBe(true);
      expect(existsSync(join(cacheDir, 'models--org--private', 'refs', 'main'))).toBe(true);
      process.env.HF_HUB_OFFLINE = '1';
      hub.log.length = 0;
      expect(await (await openRepo('org/private')).readText('config.json')).toContain('vit');
      await expect((await openRepo('org/vit')).readText('config.json')).rejects.toMatchObject({ code: 'offline' });
      delete process.env.HF_HUB_OFFLINE;
      process.env.TRANSFORMERS_OFFLINE = 'true';
      await expect((await openRepo('org/vit')).readText('config.json')).rejects.toMatchObject({ code: 'offline' });
      expect(hub.log).toEqual([]);
    } finally {
      process.env = saved;
    }
  });

  it('offline: a missing file is an error that names it', async () => {
    const repo = hubRepo('org/vit', { cacheDir: newCache(), endpoint: hub.endpoint, offline: true });
    const error = await repo.readText('config.json').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubError);
    expect((error as HubError).code).toBe('offline');
    expect((error as HubError).message).toContain('config.json of org/vit@main');
    await expect(loadWeights(repo)).rejects.toMatchObject({ code: 'offline', message: expect.stringContaining('model.safetensors') });
    expect(hub.log).toEqual([]);
  });

  it('tags and commit hashes: refs/<tag>, and one repo object pins one commit', async () => {
    const cacheDir = newCache();
    const tagged = hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint, revision: 'v2' });
    expect(await tagged.readText('config.json')).toBe('{}');
    expect(readFileSync(join(cacheDir, 'models--org--vit', 'refs', 'v2'), 'utf8')).toBe(COMMIT2);
    expect(await tagged.commit()).toBe(COMMIT2);
    // After the first answer the repo asks by commit hash, not by branch name.
    await expect(tagged.exists('model.safetensors')).resolves.toBe(false);
    expect(hub.log.at(-1)!.url).toContain(`/resolve/${COMMIT2}/model.safetensors`);
    const pinned = hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint, revision: COMMIT });
    expect(await pinned.readText('config.json')).toContain('vit');
    expect(existsSync(join(cacheDir, 'models--org--vit', 'refs', COMMIT))).toBe(false);
  });
});

describe('server errors', () => {
  it('404 EntryNotFound: exists() is false and cached as a .no_exist marker', async () => {
    const cacheDir = newCache();
    const repo = hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint });
    expect(await repo.exists('pytorch_model.bin')).toBe(false);
    expect(existsSync(join(cacheDir, 'models--org--vit', '.no_exist', COMMIT, 'pytorch_model.bin'))).toBe(true);
    hub.log.length = 0;
    expect(await hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint }).exists('pytorch_model.bin')).toBe(false);
    expect(hub.log).toEqual([]);
    await expect(repo.readText('nope.json')).rejects.toMatchObject({ code: 'entry_not_found', message: expect.stringContaining('nope.json of org/vit@main') });
  });

  it('401 without a token, success with it; the token goes to the hub only as a Bearer header', async () => {
    const cacheDir = newCache();
    const error = await hubRepo('org/private', { cacheDir, endpoint: hub.endpoint }).readText('config.json').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'repo_not_found', status: 401 });
    expect((error as Error).message).toContain('HF_TOKEN');
    await expect(hubRepo('org/private', { cacheDir, endpoint: hub.endpoint, token: 'wrong' }).readText('config.json')).rejects.toMatchObject({ status: 401 });
    hub.log.length = 0;
    expect(await hubRepo('org/private', { cacheDir, endpoint: hub.endpoint, token: 'hf_secret' }).readText('config.json')).toContain('vit');
    expect(hub.log.map((r) => r.authorization)).toEqual(['Bearer hf_secret', 'Bearer hf_secret']);
    hub.log.length = 0;
    await hubRepo('org/private', { cacheDir, endpoint: hub.endpoint, token: 'hf_secret' }).open('model.safetensors');
    expect(hub.log.map((r) => [r.server, r.method, r.authorization])).toEqual([
      ['hub', 'HEAD', 'Bearer hf_secret'],
      // The HEAD's absolute redirect target is fetched directly, without the token.
      ['cdn', 'GET', undefined],
    ]);
  });

  it('unknown revision and unknown repo', async () => {
    await expect(hubRepo('org/vit', { cacheDir: newCache(), endpoint: hub.endpoint, revision: 'nope' }).readText('config.json')).rejects.toMatchObject({ code: 'revision_not_found' });
    await expect(hubRepo('org/missing', { cacheDir: newCache(), endpoint: hub.endpoint }).exists('config.json')).rejects.toMatchObject({ code: 'repo_not_found' });
    await expect(hubRepo('org/vit', { cacheDir: newCache(), endpoint: 'http://127.0.0.1:9' }).readText('config.json')).rejects.toMatchObject({ code: 'network' });
  });

  it('missing X-Repo-Commit or ETag: not a hub endpoint', async () => {
    hub.headerOverrides = { 'X-Repo-Commit': null };
    await expect(hubRepo('org/vit', { cacheDir: newCache(), endpoint: hub.endpoint }).readText('config.json')).rejects.toMatchObject({ code: 'bad_metadata' });
    hub.headerOverrides = { ETag: null };
    await expect(hubRepo('org/vit', { cacheDir: newCache(), endpoint: hub.endpoint }).readText('config.json')).rejects.toMatchObject({ code: 'bad_metadata' });
  });

  it('a connection cut mid-body leaves no blob and no temporary file; a retry succeeds', async () => {
    const cacheDir = newCache();
    hub.cutAfter.set(sha256(weights), 1000);
    const repo = hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint });
    await expect(repo.open('model.safetensors')).rejects.toMatchObject({ code: 'download_failed' });
    const blobs = join(cacheDir, 'models--org--vit', 'blobs');
    expect(existsSync(blobs) ? readdirSync(blobs) : []).toEqual([]);
    expect(existsSync(join(cacheDir, 'models--org--vit', 'snapshots', COMMIT, 'model.safetensors'))).toBe(false);
    hub.cutAfter.clear();
    const file = await SafetensorsFile.open(await repo.open('model.safetensors'));
    expect([...(await file.readFloat32('embeddings.cls_token'))]).toEqual([1, 2, 3, 4]);
    expect(readdirSync(blobs)).toEqual([sha256(weights)]);
  });

  it('content that does not match its sha256 etag is rejected', async () => {
    hub.headerOverrides = { 'X-Linked-Etag': `"${'0'.repeat(64)}"` };
    const cacheDir = newCache();
    await expect(hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint }).open('model.safetensors')).rejects.toMatchObject({ code: 'download_failed', message: expect.stringContaining('sha256') });
    expect(readdirSync(join(cacheDir, 'models--org--vit', 'blobs'))).toEqual([]);
  });
});

describe('concurrent downloads of one file', () => {
  it('two repo objects at once: one download, both read the full file', async () => {
    const cacheDir = newCache();
    hub.cdnDelay = 50;
    try {
      const [a, b] = await Promise.all([0, 1].map(async () => SafetensorsFile.open(await hubRepo('org/vit', { cacheDir, endpoint: hub.endpoint }).open('model.safetensors'))));
      expect((await a.readFloat32('big'))[123]).toBe(123);
      expect((await b.readFloat32('big'))[49_999]).toBe(49_999);
      expect(hub.log.filter((r) => r.server === 'cdn').length).toBe(1);
    } finally {
      hub.cdnDelay = 0;
    }
  });

  it('two independent downloads into one blob path (as two processes would) do not corrupt it', async () => {
    const dir = newCache();
    const sha = sha256(weights);
    // Make the CDN know the blob.
    await hubRepo('org/vit', { cacheDir: newCache(), endpoint: hub.endpoint }).open('model.safetensors');
    hub.cdnDelay = 30;
    try {
      const path = join(dir, 'blobs', sha);
      const job = () => downloadBlob({ url: `${hub.cdn}/blobs/${sha}`, path, etag: sha, expectedSize: weights.byteLength, file: 'model.safetensors', what: 'model.safetensors' });
      await Promise.all([job(), job()]);
      expect(readFileSync(path)).toEqual(Buffer.from(weights));
      expect(readdirSync(join(dir, 'blobs'))).toEqual([sha]);
    } finally {
      hub.cdnDelay = 0;
    }
  });
});
