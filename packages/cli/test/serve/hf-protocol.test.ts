// The Hugging Face Inference Endpoints shapes, against an in-process server: what the library's
// pipelines give for the same images, to the bit.
import { describe, expect, it } from 'vitest';
import { pipeline } from '@purevit/models';
import { SAMPLES, postJson, request, sampleBytes, testServer, type RequestOptions } from './helpers.js';

const server = await testServer();
const classifier = await pipeline('image-classification');
const extractor = await pipeline('image-feature-extraction');

describe('Hugging Face endpoint shapes (POST /)', () => {
  it('the image as the body: the top 5 {label, score} of the library, best first', async () => {
    for (const [i, type] of [[0, 'image/png'], [1, 'application/octet-stream'], [2, undefined]] as const) {
      const answer = await request(`${server.url}/`, { method: 'POST', body: sampleBytes(SAMPLES[i]), headers: type ? { 'Content-Type': type } : {} });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('application/json');
      expect(answer.json()).toEqual(await classifier(SAMPLES[i]));
    }
  });

  it('JSON {inputs: base64, parameters}, a list of inputs, data: URLs, query parameters, /predict', async () => {
    const b64 = SAMPLES.map((s) => sampleBytes(s).toString('base64'));
    expect((await postJson(`${server.url}/`, { inputs: b64[0], parameters: { top_k: 2 } })).json()).toEqual(await classifier(SAMPLES[0], { topK: 2 }));
    expect((await postJson(`${server.url}/predict`, { inputs: b64 })).json()).toEqual(await classifier(SAMPLES));
    expect((await postJson(`${server.url}/`, { inputs: `data:image/png;base64,${b64[1]}`, parameters: { function_to_apply: 'none', top_k: 1 } })).json()).toEqual(
      await classifier(SAMPLES[1], { topK: 1, functionToApply: 'none' }),
    );
    const query = await request(`${server.url}/?top_k=3`, { method: 'POST', body: sampleBytes(SAMPLES[2]) });
    expect(query.json()).toEqual(await classifier(SAMPLES[2], { topK: 3 }));
  });

  it('feature extraction: [tokens][hidden] in a batch of one as transformers, or pooled with pool: true', async () => {
    const b64 = sampleBytes(SAMPLES[0]).toString('base64');
    const tokens = (await postJson(`${server.url}/pipeline/feature-extraction`, { inputs: b64 })).json() as number[][][];
    const expected = await extractor(SAMPLES[0], { pool: false }); // [50, 96]
    expect([tokens.length, tokens[0].length, tokens[0][0].length]).toEqual([1, 50, 96]);
    expect(Float32Array.from(tokens[0].flat())).toEqual(expected.data);
    const pooled = (await postJson(`${server.url}/pipeline/image-feature-extraction`, { inputs: [b64, b64], parameters: { pool: true } })).json() as number[][][];
    expect(pooled).toHaveLength(2);
    expect(Float32Array.from(pooled[1][0])).toEqual((await extractor(SAMPLES[0])).data);
  });

  it('bad requests are 4xx {error} naming the problem', async () => {
    const cases: [RequestOptions & { path?: string }, number, RegExp][] = [
      [{ body: 'not an image at all' }, 415, /not a PNG or JPEG/],
      [{ body: sampleBytes(SAMPLES[0]).subarray(0, 80) }, 400, /truncat|corrupt|end/i],
      [{ body: '{"inputs": ', headers: { 'Content-Type': 'application/json' } }, 400, /not valid JSON/],
      [{ body: '{"image": "x"}', headers: { 'Content-Type': 'application/json' } }, 400, /"inputs"/],
      [{ body: '{"inputs": "https://example.com/cat.png"}', headers: { 'Content-Type': 'application/json' } }, 400, /base64.*not fetched/],
      [{ body: '{"inputs": 42}', headers: { 'Content-Type': 'application/json' } }, 400, /base64-encoded image string/],
      [{ body: '{"inputs": []}', headers: { 'Content-Type': 'application/json' } }, 400, /empty list/],
      [{ body: JSON.stringify({ inputs: sampleBytes(SAMPLES[0]).toString('base64'), parameters: { top_k: 0 } }), headers: { 'Content-Type': 'application/json' } }, 400, /top_k/],
      [{ body: JSON.stringify({ inputs: sampleBytes(SAMPLES[0]).toString('base64'), parameters: { topk: 3 } }), headers: { 'Content-Type': 'application/json' } }, 400, /unknown parameter "topk"/],
      [{ body: '', headers: {} }, 400, /empty/],
      [{ path: '/nope', body: 'x' }, 404, /no endpoint/],
    ];
    for (const [init, status, message] of cases) {
      const answer = await request(`${server.url}${init.path ?? '/'}`, { method: 'POST', ...init });
      expect({ status: answer.status, body: answer.text }).toMatchObject({ status });
      expect((answer.json() as { error: string }).error).toMatch(message);
    }
    const wrongMethod = await request(`${server.url}/predict`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect((await request(`${server.url}/health`)).text).toBe('Ok');
  });
});
