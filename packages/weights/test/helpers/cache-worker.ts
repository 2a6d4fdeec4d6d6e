// A separate process using the hub cache (run by hub-concurrency.test.ts through test-utils/child):
// for each job it opens a repo the way `purevit classify` does, reads every tensor a few times with
// pauses (so other processes publish while it holds the file open), and reports what it saw.
import { SafetensorsFile } from '@purevit/weights';
import { fileSource, hubRepo } from '@purevit/weights/platform';
import { downloadBlob } from '../../src/node/hub-download.js';

export interface Job {
  trial: number;
  cacheDir: string;
  endpoint: string;
  /** 'repo': openRepo + read (with the lock); 'raw': downloadBlob into `blob` from `url` with no lock, then read it. */
  mode: 'repo' | 'raw';
  blob?: string;
  url?: string;
  sha?: string;
  size?: number;
  /** Start this much later than the others, so downloads finish while other processes read. */
  delayMs?: number;
}

export interface Outcome {
  trial: number;
  pid: number;
  ok: boolean;
  error?: string;
  sum?: number;
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function run(job: Job): Promise<number> {
  await pause(job.delayMs ?? 0);
  let file: SafetensorsFile;
  if (job.mode === 'repo') {
    const repo = hubRepo('org/big', { cacheDir: job.cacheDir, endpoint: job.endpoint });
    await repo.readJson('config.json');
    file = await SafetensorsFile.open(await repo.open('model.safetensors'));
  } else {
    await downloadBlob({ url: job.url!, path: job.blob!, etag: job.sha!, expectedSize: job.size!, file: 'model.safetensors', what: 'model.safetensors' });
    file = await SafetensorsFile.open(await fileSource(job.blob!));
  }
  let sum = 0;
  for (let round = 0; round < 4; round++) {
    for (const name of file.names()) for (const v of await file.readFloat32(name)) sum += v;
    await pause(15);
  }
  return sum;
}

process.on('message', (job: Job) => {
  run(job).then(
    (sum) => process.send!({ trial: job.trial, pid: process.pid, ok: true, sum } satisfies Outcome),
    (e: unknown) => process.send!({ trial: job.trial, pid: process.pid, ok: false, error: `${(e as Error).name}: ${(e as Error).message}` } satisfies Outcome),
  );
});
process.send!('ready');
