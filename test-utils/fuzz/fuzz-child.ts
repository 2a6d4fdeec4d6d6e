// The fuzz loop, in its own process (forked by run-fuzz.ts through test-utils/child): reports each
// input's index before running it (so the watchdog can name a hang or an abort), judges every
// outcome, and checks peak memory against the inputs' declared sizes.
import { pathToFileURL } from 'node:url';
import { judge, type FuzzFamily } from './family.js';
import { Rng } from './rng.js';

export interface FuzzJob {
  family: string;
  seed: number;
  /** Inputs [from, to) of the run, or explicit [seed, index] pairs (regression seeds). */
  from: number;
  to: number;
  pairs?: [number, number][];
  /** Memory allowed above the process's starting peak: slack + perByte × the largest declared size so far. */
  slackBytes: number;
  perDeclaredByte: number;
}

export type ChildMessage =
  | { t: 'at'; seed: number; index: number }
  | { t: 'failure'; seed: number; index: number; label: string; message: string }
  | { t: 'done'; counts: Record<string, number>; worstMs: number; worstIndex: number; peakRss: number; baseRss: number; inputs: number };

process.once('message', (job: FuzzJob) => {
  void (async () => {
    const family = ((await import(pathToFileURL(job.family).href)) as { default: FuzzFamily }).default;
    await family.setup();
    const send = (m: ChildMessage): void => void process.send!(m);
    const counts: Record<string, number> = {};
    const baseRss = process.resourceUsage().maxRSS * 1024;
    let worstMs = 0;
    let worstIndex = -1;
    let maxDeclared = 0;
    let inputs = 0;
    const list: [number, number][] = job.pairs ?? Array.from({ length: job.to - job.from }, (_, k) => [job.seed, job.from + k]);
    let next = 0;
    let stop = false;
    const worker = async (): Promise<void> => {
      while (!stop && next < list.length) {
        const [seed, index] = list[next++];
        send({ t: 'at', seed, index });
        let input: unknown;
        try {
          input = family.input(new Rng(seed, index), index);
        } catch (e) {
          send({ t: 'failure', seed, index, label: 'fuzz generator', message: String((e as Error)?.stack ?? e).slice(0, 500) });
          continue;
        }
        maxDeclared = Math.max(maxDeclared, family.declaredBytes(input));
        const started = performance.now();
        let error: unknown;
        try {
          await family.run(input);
        } catch (e) {
          error = e ?? new Error('thrown undefined');
        }
        const ms = performance.now() - started;
        if (ms > worstMs) [worstMs, worstIndex] = [ms, index];
        const { label, failure } = judge(error);
        counts[label] = (counts[label] ?? 0) + 1;
        if (failure) send({ t: 'failure', seed, index, label, message: failure });
        const rss = process.resourceUsage().maxRSS * 1024;
        if (rss - baseRss > job.slackBytes + job.perDeclaredByte * maxDeclared) {
          send({ t: 'failure', seed, index, label: 'memory', message: `peak RSS grew ${Math.round((rss - baseRss) / 2 ** 20)} MiB, over the bound for a declared size of ${maxDeclared} bytes` });
          counts.memory = (counts.memory ?? 0) + 1;
          stop = true;
        }
        inputs++;
      }
    };
    await Promise.all(Array.from({ length: family.concurrency ?? 1 }, worker));
    await family.teardown?.();
    send({ t: 'done', counts, worstMs, worstIndex, peakRss: process.resourceUsage().maxRSS * 1024, baseRss, inputs });
  })();
});
process.send!('ready');
