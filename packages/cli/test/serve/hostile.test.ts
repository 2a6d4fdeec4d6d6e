// Malformed and hostile requests against an in-process server with small limits: each gets a 4xx
// (or the connection is cut), and afterwards the server still answers correctly.
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { pipeline } from '@purevit/models';
import { ModelRunner } from '../../src/serve/model-runner.js';
import { ROOT } from '../helpers.js';
import { SAMPLES, postJson, request, sampleBytes, testServer } from './helpers.js';

const LIMITS = { maxBodyBytes: 256 * 1024, maxPixels: 1_000_000, timeoutMs: 1500, maxQueue: 4, maxBatch: 2 };
// Each forward pass takes 20 ms longer than the tiny model needs, so that a flood of requests can fill the queue.
const runner = await ModelRunner.load('image-classification', undefined);
const forward = runner.forward.bind(runner);
runner.forward = async (pixels, wanted) => {
  await new Promise((r) => setTimeout(r, 20));
  return forward(pixels, wanted);
};
const server = await testServer(LIMITS, { runner });
const port = Number(new URL(server.url).port);
const classifier = await pipeline('image-classification');

/** Sends raw bytes on a fresh connection (optionally in timed pieces); resolves with what came back once the server closes it. */
function raw(pieces: (string | Buffer)[], gapMs = 0, giveUpMs = 8000): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${giveUpMs} ms`));
    }, giveUpMs);
    socket.on('data', (d) => (text += d.toString('latin1')));
    socket.on('error', () => undefined); // a reset after the answer is fine
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, closedAfterMs: Date.now() - started });
    });
    socket.on('connect', async () => {
      for (const piece of pieces) {
        if (socket.destroyed) return;
        socket.write(piece);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

const statusOf = (text: string): number => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]);

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A valid 4000×4000 RGB PNG of ≈ 50 KB that inflates to 48 MB: a decompression bomb beyond the 1 MP limit. */
function pngBomb(): Buffer {
  const side = 4000;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const idat = deflateSync(Buffer.alloc(side * (1 + side * 3)), { level: 9 });
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', Buffer.alloc(0))]);
}

/** A real JPEG whose frame header claims 60000×60000 pixels. */
function jpegBomb(): Buffer {
  const jpeg = Buffer.from(readFileSync(`${ROOT}golden/images/jpeg444_257x191.jpg`));
  for (let i = 2; i < jpeg.length - 9; i++) {
    if (jpeg[i] === 0xff && (jpeg[i + 1] === 0xc0 || jpeg[i + 1] === 0xc2)) {
      jpeg.writeUInt16BE(60000, i + 5);
      jpeg.writeUInt16BE(60000, i + 7);
      return jpeg;
    }
  }
  throw new Error('no SOF marker in the test JPEG');
}

async function stillServes(): Promise<void> {
  const answer = await request(`${server.url}/`, { method: 'POST', body: sampleBytes(SAMPLES[0]) });
  expect(answer.status).toBe(200);
  expect(answer.json()).toEqual(await classifier(SAMPLES[0]));
}

describe('hostile requests never take the server down', () => {
  it('decompression bombs (PNG, JPEG) are 413 from their header; truncated and garbage images are 4xx', async () => {
    const bomb = pngBomb();
    expect(bomb.length).toBeLessThan(LIMITS.maxBodyBytes);
    for (const body of [bomb, jpegBomb()]) {
      const answer = await request(`${server.url}/`, { method: 'POST', body });
      expect(answer.status).toBe(413);
      expect((answer.json() as { error: string }).error).toMatch(/exceeds the limit of 1000000 pixels/);
    }
    const png = sampleBytes(SAMPLES[1]);
    for (const cut of [1, 8, 20, 33, 50, png.length - 20]) {
      const answer = await request(`${server.url}/`, { method: 'POST', body: png.subarray(0, cut) });
      expect(answer.status, `cut at ${cut}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `cut at ${cut}`).toBeLessThan(500);
    }
    const noise = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256));
    noise.set([137, 80, 78, 71, 13, 10, 26, 10]); // a PNG signature on noise
    expect((await request(`${server.url}/`, { method: 'POST', body: noise })).status).toBe(400);
    await stillServes();
  });

  it('bodies over the limit: 413 from Content-Length before reading, and when a chunked upload passes it', async () => {
    const declared = await raw([`POST / HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: ${10 ** 9}\r\n\r\n`, Buffer.alloc(1024)]);
    expect(statusOf(declared.text)).toBe(413);
    const chunked = [`POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n`, ...Array.from({ length: 40 }, () => `10000\r\n${'a'.repeat(0x10000)}\r\n`)];
    const streamed = await raw(chunked);
    expect(statusOf(streamed.text)).toBe(413);
    expect(streamed.text).toContain('exceeds the limit of 262144 bytes');
    const json = await postJson(`${server.url}/`, { inputs: 'A'.repeat(LIMITS.maxBodyBytes) });
    expect(json.status).toBe(413);
    await stillServes();
  });

  it('slow clients (slowloris headers, a stalled body) are cut off after the request timeout while others are served', async () => {
    const header = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nX-Slow: ';
    const slowHeaders = Array.from({ length: 20 }, () => raw(header.split(''), 100));
    const stalledBody = raw([`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n`, 'x'.repeat(10)]);
    await new Promise((r) => setTimeout(r, 300));
    await stillServes(); // while 21 slow connections are open
    const cut = await Promise.all([...slowHeaders, stalledBody]);
    for (const c of cut) expect(c.closedAfterMs).toBeLessThan(LIMITS.timeoutMs + 2500);
    expect(statusOf((await stalledBody).text)).toBe(408);
  });

  it('malformed HTTP, oversized headers, bad JSON, deep nesting, clients that vanish mid-request', async () => {
    expect(statusOf((await raw(['GARBAGE / NOT-HTTP\r\n\r\n'])).text)).toBe(400);
    expect(statusOf((await raw([`GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`])).text)).toBe(431);
    for (const body of ['{', '{"inputs": "\\u12"}', 'null', '[]', `${'['.repeat(100_000)}${']'.repeat(100_000)}`, JSON.stringify({ inputs: [[[['x']]]] })]) {
      const answer = await postJson(`${server.url}/`, body);
      expect(answer.status, body.slice(0, 20)).toBe(body.length > 200_000 ? 413 : 400);
    }
    const deep = await postJson(`${server.url}/v2/models/fashion-vit-tiny/infer`, `{"inputs":[{"name":"x","shape":[1,3,28,28],"datatype":"FP32","data":${'['.repeat(50_000)}${']'.repeat(50_000)}}]}`);
    expect(deep.status).toBe(400);
    // Half a request, then the client is gone.
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => socket.on('connect', () => r()));
    socket.write(`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3000\r\n\r\n`);
    socket.write(sampleBytes(SAMPLES[0]).subarray(0, 100));
    socket.destroy();
    await stillServes();
  });

  it('a flood beyond the queue gets 503 with Retry-After; every answer is 200 or 503; the queue drains', async () => {
    const inputs = Array.from({ length: LIMITS.maxQueue }, () => sampleBytes(SAMPLES[2]).toString('base64')); // a full queue each
    const answers = await Promise.all(Array.from({ length: 30 }, () => postJson(`${server.url}/`, { inputs })));
    const statuses = answers.map((a) => a.status);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses).toContain(503);
    expect(statuses).toContain(200);
    for (const a of answers.filter((a) => a.status === 503)) expect(Number(a.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const expected = await classifier(SAMPLES[2]);
    for (const a of answers.filter((a) => a.status === 200)) expect(a.json()).toEqual(inputs.map(() => expected));
    await stillServes();
    const metrics = (await request(`${server.url}/metrics`)).text;
    expect(metrics).toMatch(/^purevit_errors_total\{kind="overloaded"\} [1-9]/m);
    expect(metrics).toMatch(/^purevit_errors_total\{kind="too_large"\} [1-9]/m);
    expect(metrics).toContain('purevit_queue_depth 0');
    expect(server.state()).toBe('ready');
  });
});
