/**
 * Load on `purevit serve` with and without dynamic batching, back to back on one machine: the built
 * CLI in a child process (`--max-batch 8`, then `--max-batch 1`), autocannon in this process with 32
 * connections posting a bundled sample (the Hugging Face raw-image request) for `--seconds` each.
 * Reports p50 / p99 latency, requests (images) per second, mean batch, the server's RSS before and
 * after, and the load average. Usage (after `npm ci`):
 *   node benchmarks/dist/serve-load.js [--seconds 60] [--connections 32] [--model <dir>] [--threads n] [--out f.json]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { arg, report, round } from './stats.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const seconds = Number(arg('seconds') ?? 60);
const connections = Number(arg('connections') ?? 32);
const extra = [...(arg('model') ? ['--model', arg('model')!] : []), ...(arg('threads') ? ['--threads', arg('threads')!] : [])];
const image = readFileSync(`${ROOT}models/fashion-eval/samples/0000_9.png`);

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)![1]);
}

async function measure(maxBatch: number): Promise<Record<string, number | string>> {
  const child = spawn(process.execPath, [`${ROOT}packages/cli/bin/purevit.js`, 'serve', '--port', '0', '--max-batch', String(maxBatch), ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      const m = /ready: model \S+ at (http:\/\/[^/\s]+)/.exec(log);
      if (m) resolve(m[1]);
    });
    child.on('exit', () => reject(new Error(`purevit serve exited:\n${log}`)));
  });
  const request = { url, connections, method: 'POST' as const, headers: { 'content-type': 'image/png' }, body: image };
  await autocannon({ ...request, duration: 3 }); // warm-up
  const [rssBefore, imagesBefore, batchesBefore] = [await metric(url, 'process_resident_memory_bytes'), await metric(url, 'purevit_images_total'), await metric(url, 'purevit_batch_size_count')];
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const result = await autocannon({ ...request, duration: seconds });
  const [rssAfter, images, batches] = [await metric(url, 'process_resident_memory_bytes'), await metric(url, 'purevit_images_total'), await metric(url, 'purevit_batch_size_count')];
  child.kill('SIGTERM');
  await new Promise((r) => child.on('exit', r));
  return {
    max_batch: maxBatch,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    img_per_sec: round(result.requests.total / seconds),
    latency_p50_ms: result.latency.p50,
    latency_p99_ms: result.latency.p99,
    mean_batch: round((images - imagesBefore) / (batches - batchesBefore)),
    rss_before_mib: round(rssBefore / 2 ** 20),
    rss_after_mib: round(rssAfter / 2 ** 20),
    load_average: load,
  };
}

const on = await measure(8);
const off = await measure(1);
report({ seconds, connections, model: arg('model') ?? 'models/fashion-vit-tiny', batching_on: on, batching_off: off, throughput_ratio: round(Number(on.img_per_sec) / Number(off.img_per_sec)) });
