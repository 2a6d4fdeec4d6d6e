/**
 * What the kernel benchmark programs share: their command-line options, seeded random inputs, warm-up
 * then timed runs (of a synchronous function, or of engine ops up to `engine.flush()`), and the JSON report.
 * (The CLI's `purevit bench` has its own bench-stats.ts.)
 */
import { writeFileSync } from 'node:fs';

/** The value after `--name` on the command line. */
export function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** Whether `--name` is on the command line. */
export const flag = (name: string): boolean => process.argv.includes(`--${name}`);

/**
 * Fills `a` from a seeded linear congruential generator, values in [-scale/2, scale/2); returns the
 * generator's state afterwards, to go on from.
 */
export function fillRandom(a: Float32Array, seed: number, scale = 1): number {
  let s = seed;
  for (let i = 0; i < a.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32 - 0.5) * scale;
  }
  return s;
}

/** `n` seeded random values in [-0.5, 0.5), in `into` when given. */
export function random(n: number, seed: number, into?: Float32Array): Float32Array {
  const a = into ?? new Float32Array(n);
  fillRandom(a.subarray(0, n), seed);
  return a;
}

/** Runs `run` `warmup` times untimed, then `iterations` times timed: the median (upper middle) and fastest run, ms. */
export function time(run: () => void, warmup: number, iterations: number): { median: number; min: number } {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

/** Like `time`, for a step that enqueues engine ops: each timed run ends when `flush()` resolves. */
export async function timeOps(run: () => void, flush: () => Promise<void>, warmup: number, iterations: number): Promise<{ median: number; min: number }> {
  for (let i = 0; i < warmup; i++) {
    run();
    await flush();
  }
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    run();
    await flush();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], min: times[0] };
}

export function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Prints the report as indented JSON, and writes it to the `--out` file when given. */
export function report(value: object): void {
  const json = JSON.stringify(value, null, 2);
  const out = arg('out');
  if (out) writeFileSync(out, json);
  console.log(json);
}
