// Fuzz family: hub responses. A fake hub answers through an injected fetch (no sockets): HEAD and GET
// on the resolve endpoint, a redirect to a CDN, LFS and git etags, EntryNotFound for what a repo
// lacks. Each input mutates one or two answers — status, headers (etags in upper case or garbage,
// sizes that lie, bad commits and redirects), bodies (flipped, cut, extended, endless, stalled,
// failing mid-stream) or the connection — and then loads config.json and the weights into an empty
// cache. A correct result is the true bytes, online and again offline from the cache.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadWeights, writeSafetensors } from '@purevit/weights';
import { hubRepo } from '@purevit/weights/platform';
import { FuzzCheckError, type FuzzFamily } from '../../../../test-utils/fuzz/family.js';
import type { Rng } from '../../../../test-utils/fuzz/rng.js';

const ENDPOINT = 'https://hub.test';
const CDN = 'https://cdn.test';
const COMMIT = '0123456789abcdef0123456789abcdef01234567';
const config = new TextEncoder().encode('{"model_type": "vit", "hidden_size": 8, "num_labels": 3}');
const values = new Float32Array(3000).map((_, i) => i / 7);
const weights = writeSafetensors({ 'classifier.weight': { dtype: 'F32', shape: [3, 1000], data: values }, 'classifier.bias': { dtype: 'F32', shape: [3], data: Float32Array.from([1, 2, 3]) } });
const sha256 = createHash('sha256').update(weights).digest('hex');
const gitSha1 = (b: Uint8Array): string => createHash('sha1').update(`blob ${b.byteLength}\0`).update(b).digest('hex');

type Route = 'head-config' | 'get-config' | 'head-weights' | 'get-cdn' | 'head-other';

interface Mutation {
  route: Route;
  kind: 'status' | 'header' | 'body' | 'reject';
  status?: number;
  header?: [string, string | null];
  body?: 'flip' | 'cut' | 'extend' | 'empty' | 'endless' | 'stall' | 'stall-late' | 'error';
  at?: number;
}

interface Input {
  mutations: Mutation[];
}

let root: string;
let n = 0;
/** Cache folders of finished inputs, removed in batches (never one still in use). */
const finished: string[] = [];

function pickMutation(rng: Rng): Mutation {
  const route = rng.pick<Route>(['head-config', 'get-config', 'head-weights', 'get-cdn', 'get-cdn', 'head-other']);
  const kind = rng.pick<Mutation['kind']>(['status', 'header', 'header', 'body', 'body', 'reject']);
  if (kind === 'status') return { route, kind, status: rng.pick([200, 206, 301, 302, 304, 307, 401, 403, 404, 416, 429, 500, 503]) };
  if (kind === 'header') {
    const name = rng.pick(['ETag', 'X-Linked-Etag', 'X-Linked-Size', 'Content-Length', 'X-Repo-Commit', 'Location', 'Content-Range', 'X-Error-Code']);
    const value = rng.pick<string | null>([
      null, '', '"abc"', 'W/"abc"', `"${sha256.toUpperCase()}"`, `"${gitSha1(config).toUpperCase()}"`, `"${'0'.repeat(64)}"`, `"${'f'.repeat(40)}"`, '"../../etc/passwd"', `"${'a'.repeat(300)}"`,
      '-1', '0', '1', String(weights.byteLength - 1), String(weights.byteLength + 1), '1e15', '99999999999999999999', 'abc',
      COMMIT.toUpperCase(), 'f'.repeat(40), 'main', 'javascript:alert(1)', '//cdn.test/x', 'http://[::1', '/org/m/resolve/main/config.json', `${CDN}/blobs/${sha256}`,
      'bytes 5-9/100', 'bytes */0', 'EntryNotFound', 'RepoNotFound', 'GatedRepo', 'RevisionNotFound',
    ]);
    return { route, kind, header: [name, value] };
  }
  if (kind === 'body') return { route, kind, body: rng.pick(['flip', 'cut', 'extend', 'empty', 'endless', 'stall', 'stall-late', 'error'] as const), at: rng.int(1 << 30) };
  return { route, kind };
}

/** A body stream shaped by the mutation. */
function bodyOf(data: Uint8Array, m: Mutation | undefined): ReadableStream<Uint8Array> {
  let bytes = data;
  if (m?.body === 'flip' && bytes.length) (bytes = bytes.slice())[m.at! % bytes.length] ^= 0x20;
  if (m?.body === 'cut') bytes = bytes.subarray(0, m.at! % Math.max(1, bytes.length));
  if (m?.body === 'extend') bytes = Uint8Array.from([...bytes, 1, 2, 3]);
  if (m?.body === 'empty') bytes = new Uint8Array(0);
  let sent = false;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (m?.body === 'endless') return void controller.enqueue(new Uint8Array(4096).fill(9));
      if (m?.body === 'error' && sent) return void controller.error(new Error('connection reset'));
      if (m?.body === 'stall' || (m?.body === 'stall-late' && sent)) return new Promise<void>(() => undefined);
      if (sent) return void controller.close();
      sent = true;
      controller.enqueue(m?.body === 'stall-late' || m?.body === 'error' ? bytes.subarray(0, bytes.length >> 1) : bytes);
    },
  });
}

function fakeFetch(mutations: Mutation[]): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    const resolve = /^https:\/\/hub\.test\/org\/m\/resolve\/[^/]+\/(.+)$/.exec(url);
    const route: Route | undefined = resolve
      ? resolve[1] === 'config.json' ? (method === 'HEAD' ? 'head-config' : 'get-config') : resolve[1] === 'model.safetensors' ? 'head-weights' : 'head-other'
      : url.startsWith(`${CDN}/blobs/${sha256}`) ? 'get-cdn' : undefined;
    const m = mutations.find((x) => x.route === route);
    if (m?.kind === 'reject') throw new TypeError('fetch failed');
    let status = 200;
    const headers: Record<string, string> = { 'X-Repo-Commit': COMMIT };
    let data: Uint8Array | undefined;
    if (route === 'head-config' || route === 'get-config') {
      Object.assign(headers, { ETag: `"${gitSha1(config)}"`, 'Content-Length': String(config.length) });
      data = config;
    } else if (route === 'head-weights') {
      status = 302;
      Object.assign(headers, { Location: `${CDN}/blobs/${sha256}?sig=1`, 'X-Linked-Etag': `"${sha256}"`, 'X-Linked-Size': String(weights.length), ETag: '"1234567890abcdef1234567890abcdef12345678"' });
    } else if (route === 'get-cdn') {
      data = weights;
      const range = /^bytes=(\d+)-$/.exec(new Headers(init?.headers).get('Range') ?? '');
      if (range) {
        status = 206;
        const start = Number(range[1]);
        headers['Content-Range'] = `bytes ${start}-${weights.length - 1}/${weights.length}`;
        data = weights.subarray(start);
      }
      headers['Content-Length'] = String(data.length);
    } else {
      status = 404;
      Object.assign(headers, { 'X-Error-Code': 'EntryNotFound' });
    }
    if (m?.kind === 'status') status = m.status!;
    if (m?.kind === 'header') {
      const [name, value] = m.header!;
      if (value === null) delete headers[name];
      else headers[name] = value;
    }
    const hasBody = method !== 'HEAD' && data !== undefined && status !== 304 && !(status >= 300 && status < 400 && status !== 300);
    return new Response(hasBody ? bodyOf(data!, m?.kind === 'body' ? m : undefined) : null, { status, headers });
  }) as typeof fetch;
}

function same(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

const family: FuzzFamily<Input> = {
  name: 'hub',
  // Each input waits on the file system and on 25 ms idle timeouts: eight at a time keep the CPU busy.
  concurrency: 8,
  async setup() {
    const base = process.platform === 'linux' ? '/dev/shm' : tmpdir();
    root = mkdtempSync(join(base, 'purevit-fuzz-hub-'));
  },
  input(rng) {
    return { mutations: Array.from({ length: 1 + rng.int(2) }, () => pickMutation(rng)) };
  },
  declaredBytes: () => weights.length * 8,
  async run({ mutations }) {
    const cacheDir = join(root, String(n++));
    mkdirSync(cacheDir);
    try {
      const options = { cacheDir, endpoint: ENDPOINT, fetch: fakeFetch(mutations), limits: { idleTimeoutMs: 25, timeoutMs: 2000 } };
      for (const offline of [false, true]) {
        const repo = hubRepo('org/m', { ...options, offline });
        const text = await repo.readText('config.json');
        if (text !== new TextDecoder().decode(config)) throw new FuzzCheckError(`config.json read as ${JSON.stringify(text.slice(0, 80))}${offline ? ' from the cache' : ''}`);
        const map = await loadWeights(repo);
        if (!same(await map.get('classifier.weight')!.load(), values)) throw new FuzzCheckError(`corrupt classifier.weight accepted${offline ? ' from the cache' : ''}`);
      }
    } finally {
      finished.push(cacheDir);
      if (finished.length >= 200) for (const dir of finished.splice(0)) rmSync(dir, { recursive: true, force: true });
    }
  },
  async teardown() {
    rmSync(root, { recursive: true, force: true });
  },
};

export default family;
