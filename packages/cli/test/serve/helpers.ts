import { readFileSync } from 'node:fs';
import { afterAll } from 'vitest';
import { startServer, type ServeHandle, type StartOptions } from '../../src/serve/server.js';
import { SERVE_DEFAULTS, type ServeOptions } from '../../src/serve/serve-options.js';
import { ROOT, SAMPLE, SAMPLE2, SAMPLE3 } from '../helpers.js';

export const SAMPLES = [SAMPLE, SAMPLE2, SAMPLE3];
export const sampleBytes = (path: string): Buffer => readFileSync(`${ROOT}${path}`);

/** An in-process server on a free loopback port with the bundled model, shut down after the file's tests. */
export async function testServer(overrides: Partial<ServeOptions> = {}, start: StartOptions = {}): Promise<ServeHandle> {
  const handle = await startServer({ ...SERVE_DEFAULTS, name: 'fashion-vit-tiny', port: 0, ...overrides }, start);
  afterAll(() => handle.shutdown());
  await handle.ready;
  return handle;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: () => unknown;
}

/** fetch's init, with bytes (Buffers included) as a body. */
export type RequestOptions = Omit<RequestInit, 'body'> & { body?: string | Uint8Array };

export async function request(url: string, init: RequestOptions = {}): Promise<Answer> {
  const { body, ...rest } = init;
  const res = await fetch(url, { ...rest, body: body instanceof Uint8Array ? new Uint8Array(body) : body });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

export const postJson = (url: string, body: unknown): Promise<Answer> =>
  request(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
