/**
 * Runs a fuzz family in a child process under a watchdog: an input that runs longer than
 * `inputTimeoutMs` is a hang, a child that dies (V8 heap exhaustion, abort) is an abort; either way
 * the input is named by seed and index, and the run goes on in a fresh child from the next input.
 * Starting a child (transpiling and importing the family's modules) is timed separately and generously:
 * on a loaded machine it takes seconds, and it is not an input's hang.
 */
import { fileURLToPath } from 'node:url';
import { forkTs } from '../child/spawn-ts.js';
import type { ChildMessage, FuzzJob } from './fuzz-child.js';

export interface FuzzOptions {
  seed: number;
  count: number;
  /** Replayed first: the seeds of failures found earlier. */
  regressions?: readonly (readonly [seed: number, index: number])[];
  inputTimeoutMs?: number;
  /** From the child's start to its first input (default 120 s). */
  startupTimeoutMs?: number;
  /** The child's V8 heap limit (its ArrayBuffers are bounded by the memory check instead). */
  heapMiB?: number;
  slackMiB?: number;
  perDeclaredByte?: number;
}

export interface FuzzFailure {
  seed: number;
  index: number;
  label: string;
  message: string;
}

export interface FuzzReport {
  family: string;
  inputs: number;
  counts: Record<string, number>;
  failures: FuzzFailure[];
  worstMs: number;
  worstIndex: number;
  peakRssMiB: number;
  wallMs: number;
}

const CHILD = fileURLToPath(new URL('./fuzz-child.ts', import.meta.url));

function runChild(family: string, job: Omit<FuzzJob, 'family'>, options: Required<Pick<FuzzOptions, 'inputTimeoutMs' | 'startupTimeoutMs' | 'heapMiB'>>, report: FuzzReport): Promise<{ stoppedAt: [number, number] | undefined }> {
  return new Promise((resolve) => {
    const child = forkTs(CHILD, [], { nodeArgs: [`--max-old-space-size=${options.heapMiB}`], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let at: [number, number] | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stderr = '';
    let finished = false;
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const arm = (ms: number, what: string): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        report.failures.push({ seed: at?.[0] ?? job.seed, index: at?.[1] ?? -1, label: 'hang', message: `${what} within ${ms} ms` });
        report.counts.hang = (report.counts.hang ?? 0) + 1;
        finished = true;
        child.kill('SIGKILL');
        resolve({ stoppedAt: at });
      }, ms);
    };
    arm(options.startupTimeoutMs, 'the fuzz child did not start');
    child.on('message', (m: ChildMessage | 'ready') => {
      if (m === 'ready') {
        arm(options.startupTimeoutMs, 'the fuzz family did not load (its setup did not finish)');
        child.send({ family, ...job } satisfies FuzzJob);
        return;
      }
      if (m.t === 'at') {
        at = [m.seed, m.index];
        arm(options.inputTimeoutMs, 'no result');
      } else if (m.t === 'failure') {
        report.failures.push({ seed: m.seed, index: m.index, label: m.label, message: m.message });
      } else {
        finished = true;
        clearTimeout(timer);
        for (const [k, v] of Object.entries(m.counts)) report.counts[k] = (report.counts[k] ?? 0) + v;
        report.inputs += m.inputs;
        if (m.worstMs > report.worstMs) [report.worstMs, report.worstIndex] = [m.worstMs, m.worstIndex];
        report.peakRssMiB = Math.max(report.peakRssMiB, m.peakRss / 2 ** 20);
        child.kill();
        resolve({ stoppedAt: m.counts.memory ? at : undefined });
      }
    });
    child.on('exit', (code, signal) => {
      if (finished) return;
      clearTimeout(timer);
      report.failures.push({ seed: at?.[0] ?? job.seed, index: at?.[1] ?? -1, label: 'abort', message: `child exited with ${code ?? signal}: ${stderr.trim().split('\n').slice(-3).join(' | ')}` });
      report.counts.abort = (report.counts.abort ?? 0) + 1;
      resolve({ stoppedAt: at });
    });
  });
}

export async function runFuzz(familyModule: URL, options: FuzzOptions): Promise<FuzzReport> {
  const family = fileURLToPath(familyModule);
  const o = { inputTimeoutMs: options.inputTimeoutMs ?? 10_000, startupTimeoutMs: options.startupTimeoutMs ?? 120_000, heapMiB: options.heapMiB ?? 512 };
  const report: FuzzReport = { family: family.replace(/^.*\//, '').replace(/\.family\.ts$/, ''), inputs: 0, counts: {}, failures: [], worstMs: 0, worstIndex: -1, peakRssMiB: 0, wallMs: 0 };
  const started = performance.now();
  const common = { seed: options.seed, slackBytes: (options.slackMiB ?? 192) * 2 ** 20, perDeclaredByte: options.perDeclaredByte ?? 4 };
  if (options.regressions?.length) {
    await runChild(family, { ...common, from: 0, to: 0, pairs: options.regressions.map(([s, i]) => [s, i]) }, o, report);
  }
  let from = 0;
  for (let restarts = 0; from < options.count && restarts < 5; restarts++) {
    const { stoppedAt } = await runChild(family, { ...common, from, to: options.count }, o, report);
    if (stoppedAt === undefined) break;
    from = stoppedAt[1] + 1;
  }
  report.wallMs = performance.now() - started;
  return report;
}

/** One line per family for the test log: inputs, outcomes, worst time and peak memory. */
export function describeReport(r: FuzzReport): string {
  const outcomes = Object.entries(r.counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
  return `fuzz ${r.family}: ${r.inputs} inputs in ${(r.wallMs / 1000).toFixed(1)} s; ${outcomes}; worst ${r.worstMs.toFixed(0)} ms (input ${r.worstIndex}); peak RSS ${r.peakRssMiB.toFixed(0)} MiB; ${r.failures.length} failures`;
}

/**
 * A fuzz test's own time limit: 10,000 inputs take tens of seconds on an idle 2-core machine and several
 * times that when it is loaded; each input is already bounded by the watchdog, so the test needs no tight cap.
 */
export const FUZZ_TEST_TIMEOUT_MS = 600_000;
