/**
 * The demo server's middlewares over a plain Node server: what platform-web's openRepo and
 * httpRangeSource rely on (HEAD, 404 for a missing file, 206 with Content-Range, 416), no escape from
 * the served folder, and COOP/COEP unless `?isolation=off`.
 */

import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRepo } from '@purevit/weights/platform-web';
import { folderMiddleware, isolationHeaders, parseRange } from '../server/plugins.js';

const MODELS = fileURLToPath(new URL('../../../models', import.meta.url));

describe('parseRange', () => {
  it('reads the single-range forms and refuses the unsatisfiable', () => {
    expect(parseRange('bytes=0-9', 100)).toEqual([0, 9]);
    expect(parseRange('bytes=90-', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=95-200', 100)).toEqual([95, 99]);
    expect(parseRange('bytes=-10', 100)).toEqual([90, 99]);
    expect(parseRange('bytes=-200', 100)).toEqual([0, 99]);
    expect(parseRange('bytes=100-', 100)).toBeNull();
    expect(parseRange('bytes=5-4', 100)).toBeNull();
    expect(parseRange('bytes=-0', 100)).toBeNull();
    expect(parseRange('bytes=-', 100)).toBeNull();
    expect(parseRange('bytes=0-1,5-6', 100)).toBeNull();
    expect(parseRange('items=0-1', 100)).toBeNull();
  });
});

describe('demo server middlewares', () => {
  let server: Server;
  let origin: string;

  beforeAll(async () => {
    const isolation = isolationHeaders();
    const models = folderMiddleware('/models/', MODELS);
    server = createServer((req, res) => {
      isolation(req, res, () => models(req, res, () => res.writeHead(418).end('not served by the middleware')));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('no port');
    origin = `http://127.0.0.1:${address.port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('serves a file whole, by HEAD and by range', async () => {
    const file = join(MODELS, 'fashion-vit-tiny/model.safetensors');
    const bytes = await readFile(file);
    const url = `${origin}/models/fashion-vit-tiny/model.safetensors`;

    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true); // (toEqual on 1.8 MB is slow)

    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));

    const part = await fetch(url, { headers: { Range: 'bytes=8-23' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 8-23/${bytes.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(8, 24))).toBe(true);

    const beyond = await fetch(url, { headers: { Range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${bytes.length}`);

    expect((await fetch(url, { method: 'POST' })).status).toBe(405);
  });

  it('answers 404 for missing files, folders and paths outside the folder', async () => {
    for (const path of ['fashion-vit-tiny/missing.json', 'fashion-vit-tiny/', 'fashion-vit-tiny', '..%2fpackage.json', '%2e%2e%2fREADME.md']) {
      const response = await fetch(`${origin}/models/${path}`);
      expect(response.status, path).toBe(404);
    }
    expect((await fetch(`${origin}/elsewhere`)).status).toBe(418);
  });

  it('sends COOP/COEP unless ?isolation=off', async () => {
    const on = await fetch(`${origin}/`);
    expect(on.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(on.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    const off = await fetch(`${origin}/?isolation=off`);
    expect(off.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(off.headers.get('cross-origin-embedder-policy')).toBeNull();
    expect(off.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  });

  it('is a folder that platform-web\'s openRepo reads (config, missing file, weights by range)', async () => {
    const repo = await openRepo(`${origin}/models/fashion-vit-tiny/`);
    expect((await repo.readJson<{ model_type: string }>('config.json')).model_type).toBe('vit');
    expect(await repo.exists('preprocessor_config.json')).toBe(true);
    expect(await repo.exists('model.safetensors.index.json')).toBe(false);
    const source = await repo.open('model.safetensors');
    const bytes = new Uint8Array(await readFile(join(MODELS, 'fashion-vit-tiny/model.safetensors')));
    expect(source.size).toBe(bytes.length);
    expect(await source.read(bytes.length - 100, 100)).toEqual(bytes.subarray(bytes.length - 100));
  });
});
