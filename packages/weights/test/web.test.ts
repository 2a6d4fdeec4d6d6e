import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blobSource, httpRangeSource, loadWeights, SafetensorsFile, writeSafetensors } from '@purevit/weights';
import { openRepo, readBytes } from '../src/platform-web.js';
import { sha256, startFakeHub, type FakeHub } from './hub-server.js';

const COMMIT = 'c'.repeat(40);
const enc = new TextEncoder();
const tensors = Object.fromEntries(
  Array.from({ length: 6 }, (_, i) => [`layer.${i}.weight`, { dtype: 'F32' as const, shape: [100, 100], data: new Float32Array(10_000).fill(i) }]),
);
const weights = writeSafetensors(tensors, { format: 'pt' });

let hub: FakeHub;
beforeAll(async () => {
  hub = await startFakeHub();
  hub.repos.set('org/web', { refs: { main: COMMIT }, commits: { [COMMIT]: { 'config.json': enc.encode('{"a": 1}'), 'model.safetensors': weights } } });
  hub.repos.set('org/private', { refs: { main: COMMIT }, commits: { [COMMIT]: { 'model.safetensors': weights } }, token: 'tok' });
});
afterAll(() => hub.close());
afterEach(() => {
  hub.log.length = 0;
});

describe('httpRangeSource', () => {
  it('reads the header from one prefetch and each tensor with one range request', async () => {
    await openRepo('org/web', { endpoint: hub.endpoint }).then((r) => r.exists('model.safetensors')); // the CDN learns the blob
    hub.log.length = 0;
    const source = await httpRangeSource(`${hub.cdn}/blobs/${sha256(weights)}`, { prefetch: 1024 });
    expect(source.size).toBe(weights.byteLength);
    const file = await SafetensorsFile.open(source);
    expect(hub.log.length).toBe(1);
    for (let i = 0; i < 6; i++) expect((await file.readFloat32(`layer.${i}.weight`))[9_999]).toBe(i);
    expect(hub.log.map((r) => r.range)).toEqual(['bytes=0-1023', ...file.names().map((n) => {
      const [b, e] = file.info(n).dataOffsets;
      return `bytes=${file.dataStart + b}-${file.dataStart + e - 1}`;
    })]);
  });

  it('falls back to the whole body when the server ignores Range', async () => {
    const source = await httpRangeSource(`${hub.endpoint}/org/web/resolve/main/config.json`);
    expect(new TextDecoder().decode(await source.read(0, source.size))).toBe('{"a": 1}');
  });

  it('rejects a server whose ranges do not match', async () => {
    const server = createServer((req, res) => {
      res.writeHead(206, { 'Content-Range': 'bytes 5-9/100', 'Content-Length': 5 });
      res.end('abcde');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await expect(httpRangeSource(`http://127.0.0.1:${(server.address() as AddressInfo).port}/x`)).rejects.toThrow('unusable Content-Range');
    } finally {
      server.close();
    }
  });
});

describe('web platform module', () => {
  it('opens a hub id through the resolve endpoint and reads weights by ranges', async () => {
    const repo = await openRepo('org/web', { endpoint: hub.endpoint });
    expect(await repo.readJson('config.json')).toEqual({ a: 1 });
    expect(await repo.exists('model.safetensors.index.json')).toBe(false);
    const map = await loadWeights(repo);
    expect((await map.get('layer.3.weight')!.load())[0]).toBe(3);
    // No request ever fetched the whole checkpoint.
    expect(hub.log.filter((r) => r.server === 'cdn' && r.method === 'GET').every((r) => r.range !== undefined)).toBe(true);
  });

  it('a plain URL base, tokens only to the hub, offline and 401 errors', async () => {
    const base = await openRepo(`${hub.endpoint}/org/web/resolve/main/`);
    expect(await base.readText('config.json')).toBe('{"a": 1}');
    await expect((await openRepo('org/private', { endpoint: hub.endpoint })).exists('model.safetensors')).rejects.toMatchObject({ code: 'repo_not_found' });
    hub.log.length = 0;
    const map = await loadWeights(await openRepo('org/private', { endpoint: hub.endpoint, token: 'tok' }));
    expect((await map.get('layer.5.weight')!.load())[1]).toBe(5);
    expect(hub.log.filter((r) => r.server === 'hub').every((r) => r.authorization === 'Bearer tok')).toBe(true);
    expect(hub.log.filter((r) => r.server === 'cdn').every((r) => r.authorization === undefined)).toBe(true);
    await expect((await openRepo('org/web', { endpoint: hub.endpoint, offline: true })).readText('config.json')).rejects.toMatchObject({ code: 'offline' });
    await expect(openRepo('../etc')).rejects.toThrow('invalid repo id');
    expect(new TextDecoder().decode(await readBytes(`${hub.endpoint}/org/web/resolve/main/config.json`))).toBe('{"a": 1}');
  });
});

describe('blobSource', () => {
  it('reads tensors from Blob slices', async () => {
    const file = await SafetensorsFile.open(blobSource(new Blob([weights])));
    expect((await file.readFloat32('layer.2.weight'))[42]).toBe(2);
  });
});
