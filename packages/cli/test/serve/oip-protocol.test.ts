// The Open Inference Protocol (KServe v2) against in-process servers: the spec's JSON, BYTES and
// FP32 inputs, the binary tensor data extension, and the library's numbers.
import { describe, expect, it } from 'vitest';
import { loadImage } from '@purevit/image';
import { pipeline } from '@purevit/models';
import { SAMPLES, postJson, request, sampleBytes, testServer } from './helpers.js';

const server = await testServer();
const features = await testServer({ task: 'image-feature-extraction', name: 'backbone' });
const classifier = await pipeline('image-classification');
const extractor = await pipeline('image-feature-extraction');
const infer = `${server.url}/v2/models/fashion-vit-tiny/infer`;
const b64 = SAMPLES.map((s) => sampleBytes(s).toString('base64'));

interface Output {
  name: string;
  datatype: string;
  shape: number[];
  data?: (number | string)[];
  parameters?: { binary_data_size: number };
}

describe('Open Inference Protocol (KServe v2)', () => {
  it('health, server and model metadata as the spec shapes them', async () => {
    expect((await request(`${server.url}/v2/health/live`)).json()).toEqual({ live: true });
    expect((await request(`${server.url}/v2/health/ready`)).json()).toEqual({ ready: true });
    expect((await request(`${server.url}/v2/models/fashion-vit-tiny/ready`)).json()).toEqual({ name: 'fashion-vit-tiny', ready: true });
    expect((await request(`${server.url}/v2`)).json()).toMatchObject({ name: 'purevit', extensions: ['binary_tensor_data'] });
    expect((await request(`${server.url}/v2/models/fashion-vit-tiny`)).json()).toEqual({
      name: 'fashion-vit-tiny',
      versions: ['1'],
      platform: 'purevit_safetensors',
      inputs: [
        { name: 'image', datatype: 'BYTES', shape: [-1] },
        { name: 'pixel_values', datatype: 'FP32', shape: [-1, 3, 28, 28] },
      ],
      outputs: [
        { name: 'labels', datatype: 'BYTES', shape: [-1, -1] },
        { name: 'scores', datatype: 'FP32', shape: [-1, -1] },
        { name: 'logits', datatype: 'FP32', shape: [-1, 10] },
      ],
    });
    expect((await request(`${server.url}/v2/models/fashion-vit-tiny/versions/1/ready`)).status).toBe(200);
    expect((await request(`${server.url}/v2/models/other`)).status).toBe(404);
    expect((await request(`${server.url}/v2/models/fashion-vit-tiny/versions/2`)).status).toBe(404);
  });

  it('BYTES images in JSON: labels, scores and logits of the library, the request id echoed', async () => {
    const answer = await postJson(infer, { id: 'req-1', parameters: { top_k: 3 }, inputs: [{ name: 'image', shape: [3], datatype: 'BYTES', data: b64 }] });
    expect(answer.status).toBe(200);
    const body = answer.json() as { model_name: string; id: string; outputs: Output[] };
    expect(body.model_name).toBe('fashion-vit-tiny');
    expect(body.id).toBe('req-1');
    const expected = await classifier(SAMPLES, { topK: 3 });
    const [labels, scores, logits] = body.outputs;
    expect(labels).toEqual({ name: 'labels', datatype: 'BYTES', shape: [3, 3], data: expected.flatMap((r) => r.map((p) => p.label)) });
    expect(scores).toEqual({ name: 'scores', datatype: 'FP32', shape: [3, 3], data: expected.flatMap((r) => r.map((p) => p.score)) });
    const { logits: reference } = await classifier.model.forward({ pixelValues: classifier.processor.preprocessRgb(await Promise.all(SAMPLES.map((s) => loadImage(s)))) });
    expect(logits.shape).toEqual([3, 10]);
    expect(Float32Array.from(logits.data as number[])).toEqual(reference.data);
  });

  it('FP32 pixel values [n, 3, 28, 28], nested or flat, give what the same images give', async () => {
    const pixels = classifier.processor.preprocessRgb(await Promise.all(SAMPLES.slice(0, 2).map((s) => loadImage(s)))); // [2, 3, 28, 28]
    const flat = await postJson(infer, { inputs: [{ name: 'pixel_values', shape: [2, 3, 28, 28], datatype: 'FP32', data: Array.from(pixels.data) }], outputs: [{ name: 'labels' }] });
    const body = flat.json() as { outputs: Output[] };
    expect(body.outputs).toHaveLength(1);
    expect(body.outputs[0].data).toEqual((await classifier(SAMPLES.slice(0, 2))).flatMap((r) => r.map((p) => p.label)));
    const nested = Array.from({ length: 2 }, (_, n) => Array.from({ length: 3 }, (_, c) => Array.from({ length: 28 }, (_, y) => Array.from(pixels.data.subarray(((n * 3 + c) * 28 + y) * 28, ((n * 3 + c) * 28 + y + 1) * 28)))));
    expect((await postJson(infer, { inputs: [{ name: 'pixel_values', shape: [2, 3, 28, 28], datatype: 'FP32', data: nested }], outputs: [{ name: 'labels' }] })).json()).toEqual(body);
  });

  it('the binary tensor data extension: BYTES and FP32 in, binary outputs when asked', async () => {
    const png = sampleBytes(SAMPLES[0]);
    const element = Buffer.alloc(4);
    element.writeUInt32LE(png.length);
    const binary = Buffer.concat([element, png]);
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', parameters: { binary_data_size: binary.length } }], outputs: [{ name: 'scores', parameters: { binary_data: true } }, { name: 'labels' }] }));
    const res = await fetch(infer, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(header.length), 'Content-Type': 'application/octet-stream' }, body: Buffer.concat([header, binary]) });
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    const jsonLength = Number(res.headers.get('inference-header-content-length'));
    const body = JSON.parse(bytes.subarray(0, jsonLength).toString()) as { outputs: Output[] };
    const expected = await classifier(SAMPLES[0]);
    expect(body.outputs[0]).toEqual({ name: 'scores', datatype: 'FP32', shape: [1, 5], parameters: { binary_data_size: 20 } });
    const scores = new Float32Array(bytes.buffer.slice(bytes.byteOffset + jsonLength, bytes.byteOffset + jsonLength + 20));
    expect(Array.from(scores)).toEqual(expected.map((p) => p.score));
    expect(body.outputs[1].data).toEqual(expected.map((p) => p.label));

    const pixels = classifier.processor.preprocessRgb([await loadImage(SAMPLES[1])]);
    const raw = Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
    const fp32Header = Buffer.from(JSON.stringify({ inputs: [{ name: 'pixel_values', shape: [1, 3, 28, 28], datatype: 'FP32', parameters: { binary_data_size: raw.length } }], outputs: [{ name: 'labels' }] }));
    const fp32 = await request(infer, { method: 'POST', headers: { 'Inference-Header-Content-Length': String(fp32Header.length) }, body: Buffer.concat([fp32Header, raw]) });
    expect((fp32.json() as { outputs: Output[] }).outputs[0].data).toEqual((await classifier(SAMPLES[1])).map((p) => p.label));
  });

  it('a feature-extraction model answers features [n, hidden] and last_hidden_state [n, tokens, hidden]', async () => {
    const meta = (await request(`${features.url}/v2/models/backbone`)).json() as { outputs: unknown[] };
    expect(meta.outputs).toEqual([
      { name: 'features', datatype: 'FP32', shape: [-1, 96] },
      { name: 'last_hidden_state', datatype: 'FP32', shape: [-1, 50, 96] },
    ]);
    const answer = await postJson(`${features.url}/v2/models/backbone/infer`, { inputs: [{ name: 'image', shape: [2], datatype: 'BYTES', data: b64.slice(0, 2) }] });
    const [pooled, tokens] = (answer.json() as { outputs: Output[] }).outputs;
    expect(pooled.shape).toEqual([2, 96]);
    expect(tokens.shape).toEqual([2, 50, 96]);
    const expected = await extractor(SAMPLES.slice(0, 2));
    expect(Float32Array.from(pooled.data as number[])).toEqual(Float32Array.from([...expected[0].data, ...expected[1].data]));
    expect(Float32Array.from((tokens.data as number[]).slice(50 * 96))).toEqual((await extractor(SAMPLES[1], { pool: false })).data);
    expect((await postJson(`${features.url}/`, { inputs: b64[0] })).status).toBe(200); // POST / is feature extraction here
    expect((await postJson(`${features.url}/pipeline/image-classification`, { inputs: b64[0] })).status).toBe(400);
  });

  it('malformed requests are 4xx {error} naming the problem', async () => {
    const image = (over: object): object => ({ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [b64[0]], ...over }] });
    const cases: [unknown, number, RegExp][] = [
      ['{"inputs": [', 400, /not valid JSON/],
      [[1, 2], 400, /JSON object/],
      [{ inputs: [] }, 400, /non-empty array/],
      [image({ shape: [2] }), 400, /holds 2 elements, "data" has 1/],
      [image({ shape: [-1] }), 400, /non-negative integers/],
      [image({ datatype: 'INT8' }), 400, /datatype "INT8" is not accepted/],
      [image({ data: [7] }), 400, /must be strings/],
      [image({ data: ['not base64 !'] }), 400, /base64/],
      [image({ data: [Buffer.from('hello').toString('base64')] }), 415, /not a PNG or JPEG/],
      [{ inputs: [{ name: 'pixel_values', shape: [1, 3, 32, 32], datatype: 'FP32', data: new Array(3 * 32 * 32).fill(0) }] }, 400, /shape \[n, 3, 28, 28\], got \[1, 3, 32, 32\]/],
      [{ inputs: [{ name: 'pixel_values', shape: [1, 3, 28, 28], datatype: 'FP32', data: [1, 2, 3] }] }, 400, /holds 2352 values, "data" has 3/],
      [{ inputs: [{ name: 'pixel_values', shape: [1, 3, 28, 28], datatype: 'FP32', data: new Array(2352).fill('x') }] }, 400, /finite numbers/],
      [{ inputs: [{ name: 'pixel_values', shape: [1, 3, 28, 28], datatype: 'FP32', data: [[[[[[0]]]]]] }] }, 400, /nested deeper than its shape/],
      [{ ...image({}), outputs: [{ name: 'probabilities' }] }, 400, /unknown output "probabilities"/],
      [{ ...image({}), parameters: { top_k: 'all' } }, 400, /top_k/],
      [{ inputs: [{ name: 'image', shape: [1], datatype: 'BYTES', data: [b64[0]] }, { name: 'image', shape: [1], datatype: 'BYTES', data: [b64[0]] }] }, 400, /one input tensor/],
    ];
    for (const [body, status, message] of cases) {
      const answer = await postJson(infer, body);
      expect({ status: answer.status, body: answer.text }).toMatchObject({ status });
      expect((answer.json() as { error: string }).error).toMatch(message);
    }
    const badHeader = await request(infer, { method: 'POST', headers: { 'Inference-Header-Content-Length': '999' }, body: '{}' });
    expect(badHeader.status).toBe(400);
  });

  it('/metrics: Prometheus text format with requests, latency histograms, batch sizes, queue depth, errors', async () => {
    const answer = await request(`${server.url}/metrics`);
    expect(answer.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const lines = answer.text.trimEnd().split('\n');
    for (const name of ['purevit_http_requests_total', 'purevit_http_request_duration_seconds', 'purevit_batch_size', 'purevit_queue_depth', 'purevit_errors_total', 'process_resident_memory_bytes']) {
      expect(lines).toContain(`# TYPE ${name} ${name.endsWith('_total') ? 'counter' : name.includes('duration') || name === 'purevit_batch_size' ? 'histogram' : 'gauge'}`);
    }
    // Every sample line is `name{labels} value`; histogram buckets are cumulative and end at _count.
    for (const line of lines.filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_:][a-z0-9_:]*(\{([a-z_]+="[^"\\]*",?)*\})? (-?[0-9.e+-]+|\+Inf|NaN)$/i);
    const buckets = lines.filter((l) => l.startsWith('purevit_batch_size_bucket')).map((l) => Number(l.split(' ')[1]));
    expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
    expect(buckets[buckets.length - 1]).toBe(Number(lines.find((l) => l.startsWith('purevit_batch_size_count'))!.split(' ')[1]));
    expect(lines).toContain('purevit_queue_depth 0');
    expect(lines.some((l) => /^purevit_errors_total\{kind="bad_request"\} [1-9]/.test(l))).toBe(true);
    expect(lines.some((l) => /^purevit_http_requests_total\{route="v2_infer",code="200"\} [1-9]/.test(l))).toBe(true);
  });
});
