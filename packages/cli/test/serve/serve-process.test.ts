// The real `purevit serve` process: the official @huggingface/inference client against it, a load
// test from this (second) process, and SIGTERM draining in-flight requests.
import { connect, type Socket } from 'node:net';
import { InferenceClient } from '@huggingface/inference';
import autocannon from 'autocannon';
import { afterAll, describe, expect, it } from 'vitest';
import { pipeline } from '@purevit/models';
import { SAMPLES, sampleBytes } from './helpers.js';
import { serverRss, spawnServe } from './process.js';

/** The issue asks for 60 s; PUREVIT_LOAD_SECONDS shortens it while developing. */
const LOAD_SECONDS = Number(process.env.PUREVIT_LOAD_SECONDS ?? 60);

// The CLI's default kernels are the library's (relaxed-SIMD FMA where available): equal to the bit.
const server = await spawnServe([]);
afterAll(async () => {
  server.child.kill('SIGTERM');
  await server.exited;
});
const classifier = await pipeline('image-classification');
const extractor = await pipeline('image-feature-extraction');

describe('purevit serve (the process)', () => {
  it('the official @huggingface/inference client with endpointUrl: labels and scores equal the library', async () => {
    const client = new InferenceClient();
    for (const sample of SAMPLES) {
      const inputs = new Blob([new Uint8Array(sampleBytes(sample))], { type: 'image/png' });
      expect(await client.imageClassification({ endpointUrl: server.url, inputs })).toEqual(await classifier(sample));
    }
    const bound = client.endpoint(`${server.url}/pipeline/image-classification`);
    expect(await bound.imageClassification({ data: new Blob([new Uint8Array(sampleBytes(SAMPLES[1]))]) })).toEqual(await classifier(SAMPLES[1]));
    const features = await client.featureExtraction({ endpointUrl: `${server.url}/pipeline/feature-extraction`, inputs: sampleBytes(SAMPLES[2]).toString('base64') });
    expect(Float32Array.from((features as number[][][])[0].flat())).toEqual((await extractor(SAMPLES[2], { pool: false })).data);
    await expect(client.imageClassification({ endpointUrl: server.url, inputs: new Blob(['not an image']) })).rejects.toThrow(/not a PNG or JPEG/);
  });

  it(`load: 32 concurrent clients for ${LOAD_SECONDS} s, Hugging Face and KServe requests, 0 errors, every answer right`, { timeout: (LOAD_SECONDS + 60) * 1000 }, async () => {
    const expected = await classifier(SAMPLES);
    let wrong = 0;
    const check = (n: number, body: string, kserve: boolean): void => {
      const ok = kserve
        ? JSON.stringify((JSON.parse(body) as { outputs: { data: string[] }[] }).outputs[0].data) === JSON.stringify(expected[n].map((p) => p.label))
        : body === JSON.stringify(expected[n]);
      if (!ok) wrong++;
    };
    const kserveBody = JSON.stringify({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [sampleBytes(SAMPLES[2]).toString('base64')] }], outputs: [{ name: 'labels' }] });
    const requests = [
      { method: 'POST' as const, path: '/', headers: { 'content-type': 'image/png' }, body: sampleBytes(SAMPLES[0]), onResponse: (_: number, body: string) => check(0, body, false) },
      { method: 'POST' as const, path: '/', headers: { 'content-type': 'image/png' }, body: sampleBytes(SAMPLES[1]), onResponse: (_: number, body: string) => check(1, body, false) },
      { method: 'POST' as const, path: '/v2/models/fashion-vit-tiny/infer', headers: { 'content-type': 'application/json' }, body: kserveBody, onResponse: (_: number, body: string) => check(2, body, true) },
    ];
    await autocannon({ url: server.url, connections: 32, duration: 2, requests }); // warm up
    const rssBefore = await serverRss(server.url);
    const result = await autocannon({ url: server.url, connections: 32, duration: LOAD_SECONDS, requests });
    const rssAfter = await serverRss(server.url);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const batches = /^purevit_batch_size_count (\d+)/m.exec(metrics)![1];
    const images = /^purevit_images_total (\d+)/m.exec(metrics)![1];
    console.log(
      `load: ${result.requests.total} requests in ${LOAD_SECONDS} s = ${result.requests.average} img/s, latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, ` +
        `${images} images in ${batches} forward passes (mean batch ${(Number(images) / Number(batches)).toFixed(2)}), ` +
        `server RSS ${(rssBefore / 2 ** 20).toFixed(0)} MiB before, ${(rssAfter / 2 ** 20).toFixed(0)} MiB after`,
    );
    expect({ errors: result.errors, timeouts: result.timeouts, non2xx: result.non2xx, wrong }).toEqual({ errors: 0, timeouts: 0, non2xx: 0, wrong: 0 });
    expect(result.requests.total).toBeGreaterThan(LOAD_SECONDS * 10);
    expect(rssAfter).toBeLessThan(rssBefore + 150 * 2 ** 20); // no leak of the scale of the requests served
  });
});

describe('SIGTERM', () => {
  it('stops accepting, finishes the requests in flight (even mid-upload), then exits 0', async () => {
    const draining = await spawnServe([]);
    const port = Number(new URL(draining.url).port);
    const png = sampleBytes(SAMPLES[0]);
    const head = `POST / HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: ${png.length}\r\n\r\n`;
    const sockets: Socket[] = await Promise.all(
      Array.from({ length: 8 }, () => new Promise<Socket>((resolve) => {
        const s = connect(port, '127.0.0.1', () => resolve(s));
      })),
    );
    const answers = sockets.map((s) => new Promise<string>((resolve) => {
      let text = '';
      s.on('data', (d) => (text += d.toString()));
      s.on('close', () => resolve(text));
      s.on('error', () => undefined);
    }));
    for (const s of sockets) s.write(Buffer.concat([Buffer.from(head), png.subarray(0, 100)]));
    await new Promise((r) => setTimeout(r, 300));
    draining.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    const refused = await new Promise<string>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.on('connect', () => resolve('connected'));
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    for (const s of sockets) s.write(png.subarray(100));
    const expected = JSON.stringify(await classifier(SAMPLES[0]));
    for (const text of await Promise.all(answers)) {
      expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
      expect(text).toMatch(/\r\nConnection: close\r\n/i);
      expect(JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)).map((p: { label: string }) => p.label)).toEqual(JSON.parse(expected).map((p: { label: string }) => p.label));
    }
    expect(await draining.exited).toBe(0);
    expect(draining.log()).toMatch(/SIGTERM: no longer accepting; draining in-flight requests\n.*stopped\n$/);
  });
});
