/**
 * What every benchmark shares: warm-up then the median of N timed steps, peak memory of this process,
 * the machine, running one configuration in a fresh child process, and a plain-text table.
 */

import { spawn } from 'node:child_process';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

export interface Timing {
  warmup: number;
  iterations: number;
  /** Median step, ms. */
  median: number;
  min: number;
  max: number;
  /** Every timed step in order, ms. */
  steps: number[];
}

/** Runs `step` `warmup` times untimed, then `iterations` times timed; `afterStep` runs untimed after each. */
export async function timeSteps(step: () => unknown, warmup: number, iterations: number, afterStep?: () => void): Promise<Timing> {
  for (let i = 0; i < warmup; i++) {
    await step();
    afterStep?.();
  }
  const steps: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    await step();
    steps.push(performance.now() - t0);
    afterStep?.();
  }
  const sorted = [...steps].sort((a, b) => a - b);
  return { warmup, iterations, median: median(sorted), min: sorted[0] ?? NaN, max: sorted[sorted.length - 1] ?? NaN, steps };
}

/** The median of ascending `sorted` (mean of the middle two for an even count). */
export function median(sorted: readonly number[]): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

export interface MemoryPeak {
  /** The process's peak resident set (getrusage ru_maxrss), bytes. */
  peak_rss_bytes: number;
  /** The largest values process.memoryUsage() showed at the sampling points. */
  peak_heap_used_bytes: number;
  peak_external_bytes: number;
  peak_array_buffers_bytes: number;
}

/** Samples process.memoryUsage() where memory is at its highest (e.g. right after a step, outputs alive). */
export class MemorySampler {
  private heapUsed = 0;
  private external = 0;
  private arrayBuffers = 0;

  sample(): void {
    const m = process.memoryUsage();
    this.heapUsed = Math.max(this.heapUsed, m.heapUsed);
    this.external = Math.max(this.external, m.external);
    this.arrayBuffers = Math.max(this.arrayBuffers, m.arrayBuffers);
  }

  peak(): MemoryPeak {
    this.sample();
    return {
      peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
      peak_heap_used_bytes: this.heapUsed,
      peak_external_bytes: this.external,
      peak_array_buffers_bytes: this.arrayBuffers,
    };
  }
}

export interface MachineInfo {
  date: string;
  node: string;
  platform: string;
  cpu: string;
  cores: number;
  memory_gib: number;
  /** 1, 5 and 15 minute load averages when the run started: other work on the machine skews timings. */
  loadavg: number[];
}

export function machineInfo(): MachineInfo {
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memory_gib: round(totalmem() / 2 ** 30, 1),
    loadavg: loadavg().map((x) => round(x, 2)),
  };
}

/** The environment variable that turns a `purevit bench` process into the child running one configuration. */
export const CHILD_ENV = 'PUREVIT_BENCH_CHILD';

/** The built CLI launcher (the same path from src/ and dist/). */
export const CLI_BIN = fileURLToPath(new URL('../../bin/purevit.js', import.meta.url));

/**
 * Runs `purevit bench <kind> <extraArgs>` in a fresh Node process with `config` in CHILD_ENV and returns the
 * JSON the child prints: its peak memory is this configuration's alone.
 */
export function runInChild<T>(kind: string, config: unknown, extraArgs: readonly string[] = []): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_BIN, 'bench', kind, ...extraArgs], {
      env: { ...process.env, [CHILD_ENV]: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        const why = stderr.trim().split('\n').filter(Boolean).pop() ?? (signal ? `killed by ${signal}` : `exit code ${code}`);
        reject(new Error(`benchmark child (${kind} ${JSON.stringify(config)}) failed: ${why.replace(/^purevit: /, '')}`));
        return;
      }
      try {
        resolve(JSON.parse(stdout) as T);
      } catch {
        reject(new Error(`benchmark child (${kind}) printed no JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}

/** The configuration this process was started to run, or null in a normal `purevit bench`. */
export function childConfig<T>(): T | null {
  const raw = process.env[CHILD_ENV];
  return raw ? (JSON.parse(raw) as T) : null;
}

export function round(x: number, digits = 2): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const MB = 1e6;

/** A text table: a header row, then right-aligned numbers and left-aligned text. */
export function formatTable(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cells = rows.map((r) => r.map((c) => (c === null ? '-' : typeof c === 'number' ? String(c) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i].length)));
  const numeric = header.map((_, i) => rows.every((r) => typeof r[i] === 'number' || r[i] === null));
  const line = (r: readonly string[]): string => r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** Parses "1,8" style lists of positive integers; null when any entry is not one. */
export function parseIntegerList(text: string): number[] | null {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.some((p) => !/^\d+$/.test(p) || Number(p) < 1)) return null;
  return [...new Set(parts.map(Number))];
}
