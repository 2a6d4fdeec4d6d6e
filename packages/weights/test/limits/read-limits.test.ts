import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync, writeFileSync, closeSync, ftruncateSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_READ_LIMITS, ReadLimitError } from '@purevit/weights';
import { readBytes } from '@purevit/weights/platform';

let server: Server;
let base: string;
const tmp = mkdtempSync(join(tmpdir(), 'purevit-limits-'));
const open = new Set<ServerResponse>();

/** Routes of a server that misbehaves the ways the issue found: endless bodies, stalls, trickles, lies. */
beforeAll(async () => {
  server = createServer((req, res) => {
    open.add(res);
    res.on('close', () => open.delete(res));
    const chunk = new Uint8Array(64 * 1024).fill(7);
    if (req.url === '/forever') {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      const pump = (): void => {
        while (res.write(chunk)) {
          // keep writing until the socket pushes back
        }
        res.once('drain', pump);
      };
      pump();
    } else if (req.url === '/stall-mid-body') {
      res.writeHead(200, { 'Content-Length': 1_000_000 });
      res.write(chunk); // then nothing, connection kept open
    } else if (req.url === '/stall-headers') {
      // never answers
    } else if (req.url === '/trickle') {
      res.writeHead(200);
      const timer = setInterval(() => res.write(new Uint8Array(1)), 20);
      res.on('close', () => clearInterval(timer));
    } else if (req.url === '/huge-length') {
      res.writeHead(200, { 'Content-Length': String(10 * 1024 * 1024 * 1024) });
      res.write(chunk);
    } else if (req.url === '/ok') {
      res.end(Buffer.from('fine'));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of open) res.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(tmp, { recursive: true, force: true });
});

async function failure(promise: Promise<unknown>): Promise<ReadLimitError> {
  const e = await promise.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ReadLimitError);
  expect((e as Error).message.length).toBeLessThan(300);
  return e as ReadLimitError;
}

describe('readBytes of a URL stays within its limits', () => {
  it('a body that streams forever stops at maxBytes (the default is 256 MiB), naming the URL', async () => {
    expect(DEFAULT_READ_LIMITS.maxBytes).toBe(256 * 1024 * 1024);
    const t = performance.now();
    const e = await failure(readBytes(`${base}/forever`, { maxBytes: 4 * 1024 * 1024 }));
    expect(e.code).toBe('too_large');
    expect(e.message).toMatch(new RegExp(`^${base}/forever is larger than the 4\\.0 MiB limit`));
    expect(performance.now() - t).toBeLessThan(5000);
  });

  it('a Content-Length over the limit is refused before the body is read', async () => {
    const e = await failure(readBytes(`${base}/huge-length`));
    expect(e.code).toBe('too_large');
    expect(e.message).toContain('10.0 GiB');
  });

  it('a server that stalls mid-body or never answers: the idle timeout', async () => {
    expect((await failure(readBytes(`${base}/stall-mid-body`, { idleTimeoutMs: 200 }))).code).toBe('stalled');
    const e = await failure(readBytes(`${base}/stall-headers`, { idleTimeoutMs: 200 }));
    expect(e.code).toBe('stalled');
    expect(e.message).toMatch(/stall-headers: nothing received for 0\.2 s/);
  });

  it('a trickle that never finishes: the total timeout', async () => {
    expect((await failure(readBytes(`${base}/trickle`, { timeoutMs: 300, idleTimeoutMs: 1000 }))).code).toBe('timeout');
  });

  it('an abort signal stops the read', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    expect((await failure(readBytes(`${base}/stall-mid-body`, { signal: controller.signal }))).code).toBe('aborted');
    expect(new TextDecoder().decode(await readBytes(`${base}/ok`))).toBe('fine');
  });
});

describe('readBytes of a file stays within its limits', () => {
  it('a regular file over the limit is refused from its size, unread (a sparse 600 MiB file)', async () => {
    const path = join(tmp, 'big.png');
    const fd = openSync(path, 'w');
    ftruncateSync(fd, 600 * 1024 * 1024);
    closeSync(fd);
    const e = await failure(readBytes(path));
    expect(e.code).toBe('too_large');
    expect(e.message).toBe(`${path} is larger than the 256.0 MiB limit (600.0 MiB or more)`);
    writeFileSync(join(tmp, 'small'), 'abc');
    expect(new TextDecoder().decode(await readBytes(join(tmp, 'small')))).toBe('abc');
  });

  it('a device that never ends (/dev/zero) and a FIFO nobody writes', async () => {
    expect((await failure(readBytes('/dev/zero', { maxBytes: 3 * 1024 * 1024 }))).code).toBe('too_large');
    const fifo = join(tmp, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect((await failure(readBytes(fifo, { idleTimeoutMs: 200 }))).code).toBe('stalled');
    // The abandoned open(2) still waits in libuv's thread pool: a writer releases it (and the reader closes it).
    closeSync(openSync(fifo, 'w'));
  });
});
