// Real concurrent processes downloading the same uncached model into one Hugging Face cache (issue 18:
// 4 parallel `purevit classify` runs failed 15 times in 40 with "model.safetensors changed after it
// was opened"). N processes × M trials, each trial on an empty cache; every run must succeed.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile, writeSafetensors } from '@purevit/weights';
import { hubRepo } from '@purevit/weights/platform';
import { forkTs } from '../../../test-utils/child/spawn-ts.js';
import type { Job, Outcome } from './helpers/cache-worker.js';
import { gitSha1, sha256, startFakeHub, type FakeHub } from './hub-server.js';

const PROCESSES = 4;
const TRIALS = 10;
const COMMIT = 'd'.repeat(40);
const CONFIG = new TextEncoder().encode('{"model_type": "vit"}');
const values = new Float32Array(1 << 20).map((_, i) => (i % 1000) - 500); // 4 MiB
const weights = writeSafetensors({ a: { dtype: 'F32', shape: [values.length / 2], data: values.subarray(0, values.length / 2) }, b: { dtype: 'F32', shape: [values.length / 2], data: values.subarray(values.length / 2) } });
const expectedSum = values.reduce((s, v) => s + v, 0) * 4;

let hub: FakeHub;
let root: string;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  hub = await startFakeHub();
  hub.repos.set('org/big', { refs: { main: COMMIT }, commits: { [COMMIT]: { 'config.json': CONFIG, 'model.safetensors': weights } } });
  // Slow enough that the downloads overlap: 4 MiB in 256 KiB chunks, 5 ms apart.
  hub.throttle = { chunk: 256 * 1024, delayMs: 5 };
  root = mkdtempSync(join(tmpdir(), 'purevit-hub-concurrency-'));
  const script = fileURLToPath(new URL('./helpers/cache-worker.ts', import.meta.url));
  for (let i = 0; i < PROCESSES; i++) workers.push(forkTs(script));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
}, 120_000);

afterAll(async () => {
  for (const w of workers) w.kill();
  await hub.close();
  rmSync(root, { recursive: true, force: true });
});

/** Sends one job to every worker at once and collects their outcomes. */
function trial(job: (worker: number) => Job): Promise<Outcome[]> {
  return Promise.all(
    workers.map(
      (w, i) =>
        new Promise<Outcome>((resolve) => {
          w.once('message', (m) => resolve(m as Outcome));
          w.send(job(i));
        }),
    ),
  );
}

describe(`${PROCESSES} processes × ${TRIALS} trials on one empty cache`, () => {
  it('through openRepo (the lock): every run reads the whole model, one download per trial, nothing left behind', async () => {
    const failures: string[] = [];
    let downloads = 0;
    for (let t = 0; t < TRIALS; t++) {
      const cacheDir = join(root, `repo-${t}`);
      hub.log.length = 0;
      for (const o of await trial((i) => ({ trial: t, cacheDir, endpoint: hub.endpoint, mode: 'repo', delayMs: i * 25 }))) {
        if (!o.ok || o.sum !== expectedSum) failures.push(`trial ${t} pid ${o.pid}: ${o.error ?? `sum ${o.sum}`}`);
      }
      downloads += hub.log.filter((r) => r.server === 'cdn' && r.method === 'GET').length;
      const folder = join(cacheDir, 'models--org--big');
      expect(readdirSync(join(folder, 'blobs')).sort()).toEqual([sha256(weights), gitSha1(CONFIG)].sort());
      expect(readdirSync(join(cacheDir, '.locks', 'models--org--big'))).toEqual([]);
    }
    console.log(`openRepo: ${PROCESSES} processes × ${TRIALS} trials, ${failures.length} failures, ${downloads} blob downloads`);
    expect(failures).toEqual([]);
    expect(downloads).toBe(TRIALS);
  });

  it('without the lock (every process downloads): publication never replaces a blob another process has open', async () => {
    const failures: string[] = [];
    const sha = sha256(weights);
    await fetch(`${hub.endpoint}/org/big/resolve/main/model.safetensors`, { method: 'HEAD', redirect: 'manual' }); // the CDN learns the blob
    for (let t = 0; t < TRIALS; t++) {
      const blob = join(root, `raw-${t}`, 'blobs', sha);
      const job = (i: number): Job => ({ trial: t, cacheDir: '', endpoint: hub.endpoint, mode: 'raw', blob, url: `${hub.cdn}/blobs/${sha}`, sha, size: weights.byteLength, delayMs: i * 25 });
      for (const o of await trial(job)) {
        if (!o.ok || o.sum !== expectedSum) failures.push(`trial ${t} pid ${o.pid}: ${o.error ?? `sum ${o.sum}`}`);
      }
      if (readdirSync(join(root, `raw-${t}`, 'blobs')).join() !== sha) failures.push(`trial ${t}: blobs/ holds ${readdirSync(join(root, `raw-${t}`, 'blobs')).join(', ')}`);
    }
    console.log(`downloadBlob without lock: ${PROCESSES} processes × ${TRIALS} trials, ${failures.length} failures`);
    expect(failures).toEqual([]);
  });

  it('a download killed with SIGKILL midway: the next run takes over its lock, resumes its partial file and leaves nothing behind', async () => {
    const cacheDir = join(root, 'killed');
    const blobs = join(cacheDir, 'models--org--big', 'blobs');
    hub.throttle = { chunk: 64 * 1024, delayMs: 40 }; // 4 MiB in about 2.6 s
    const victim = forkTs(fileURLToPath(new URL('./helpers/cache-worker.ts', import.meta.url)));
    try {
      await new Promise((resolve) => victim.once('message', resolve));
      victim.send({ trial: 0, cacheDir, endpoint: hub.endpoint, mode: 'repo' } satisfies Job);
      const partialSize = (): number => {
        try {
          const partial = readdirSync(blobs).find((f) => f.endsWith('.incomplete'));
          return partial === undefined ? 0 : statSync(join(blobs, partial)).size;
        } catch {
          return 0;
        }
      };
      for (let t = 0; partialSize() < 512 * 1024 && t < 600; t++) await new Promise((r) => setTimeout(r, 20));
      victim.kill('SIGKILL');
      await new Promise((resolve) => victim.once('exit', resolve));
    } finally {
      hub.throttle = { chunk: 256 * 1024, delayMs: 5 };
    }
    const left = readdirSync(blobs).filter((f) => f.endsWith('.incomplete'));
    expect(left).toHaveLength(1);
    const kept = statSync(join(blobs, left[0])).size;
    expect(readdirSync(join(cacheDir, '.locks', 'models--org--big'))).toHaveLength(1); // the dead process's lock

    hub.log.length = 0;
    const file = await SafetensorsFile.open(await hubRepo('org/big', { cacheDir, endpoint: hub.endpoint }).open('model.safetensors'));
    let sum = 0;
    for (const name of file.names()) for (const v of await file.readFloat32(name)) sum += v;
    expect(sum * 4).toBe(expectedSum);
    const get = hub.log.find((r) => r.server === 'cdn' && r.method === 'GET');
    expect(get?.range).toMatch(/^bytes=(\d+)-$/);
    expect(get?.range).toBe(`bytes=${kept}-`);
    expect(readdirSync(blobs).sort()).toEqual([gitSha1(CONFIG), sha256(weights)].sort());
    expect(readdirSync(join(cacheDir, '.locks', 'models--org--big'))).toEqual([]);
    expect(readFileSync(join(blobs, sha256(weights))).equals(weights)).toBe(true); // (toEqual on 4 MiB takes seconds)
  });
});
