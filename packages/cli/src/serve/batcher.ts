/**
 * Dynamic batching: requests that arrive while the model is busy (or within `maxWaitMs` of the
 * first one) are merged into one forward pass of up to `maxBatch` images, which runs faster per image
 * than one pass each. The queue is bounded (`maxQueue` images): beyond it a request is refused at
 * once with 503 + Retry-After instead of waiting without end. One forward runs at a time: the engine
 * already spreads each one over every thread.
 */

import { Tensor } from '@purevit/core';
import { HttpError } from './http-error.js';
import type { BatchOutputs, OutputsWanted } from './model-runner.js';

export interface BatcherOptions {
  /** Most images in one forward pass (1: no batching). A single larger request still runs, alone. */
  maxBatch: number;
  /** Longest time the first queued request waits for others before its batch runs anyway. */
  maxWaitMs: number;
  /** Most images waiting; more is refused with 503. */
  maxQueue: number;
}

export interface BatcherHooks {
  /** After each forward pass: its images and seconds. */
  onBatch?(images: number, seconds: number): void;
  /** When a request's forward pass starts: the seconds it waited. */
  onDequeue?(seconds: number): void;
}

export type ForwardFn = (pixels: Tensor, wanted: OutputsWanted) => Promise<BatchOutputs>;

interface Job {
  pixels: Tensor; // [n, 3, H, W]
  wanted: OutputsWanted;
  enqueuedAt: number;
  deadline: number;
  signal: AbortSignal | undefined;
  resolve(outputs: BatchOutputs): void;
  reject(error: unknown): void;
}

export interface SubmitOptions {
  /** Milliseconds from now after which the request fails with 504 (queued or not). */
  timeoutMs: number;
  /** Aborted when the client goes away: a queued request is dropped without running. */
  signal?: AbortSignal;
}

function rows(job: Job): number {
  return job.pixels.shape[0];
}

/** Rows [start, start + n) of every batch output, copied out of the batch. */
function sliceOutputs(out: BatchOutputs, start: number, n: number): BatchOutputs {
  const part = (t: Tensor | undefined): Tensor | undefined => {
    if (!t) return undefined;
    const inner = t.size / t.shape[0];
    return new Tensor(t.data.slice(start * inner, (start + n) * inner), [n, ...t.shape.slice(1)]);
  };
  return { logits: part(out.logits), pooled: part(out.pooled), tokens: part(out.tokens) };
}

export class Batcher {
  private readonly queue: Job[] = [];
  private queued = 0;
  private running = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Seconds per image of recent passes (for Retry-After). */
  private secondsPerImage = 0.05;

  constructor(
    private readonly forward: ForwardFn,
    readonly options: BatcherOptions,
    private readonly hooks: BatcherHooks = {},
  ) {
    if (!(options.maxBatch >= 1 && options.maxQueue >= 1 && options.maxWaitMs >= 0)) throw new RangeError('batcher: maxBatch and maxQueue must be at least 1, maxWaitMs at least 0');
  }

  queuedImages(): number {
    return this.queued;
  }

  runningImages(): number {
    return this.running;
  }

  /** Queues `pixels` [n, 3, H, W]; resolves with its rows of the batch outputs. */
  submit(pixels: Tensor, wanted: OutputsWanted, options: SubmitOptions): Promise<BatchOutputs> {
    const n = pixels.shape[0];
    if (n > this.options.maxQueue) {
      return Promise.reject(new HttpError(413, `a request may hold at most ${this.options.maxQueue} images (the queue size), got ${n}`));
    }
    if (this.queued + n > this.options.maxQueue) {
      const retryAfter = Math.max(1, Math.ceil((this.queued + this.running) * this.secondsPerImage));
      return Promise.reject(new HttpError(503, `server busy: ${this.queued} images queued (limit ${this.options.maxQueue}); retry later`, { headers: { 'Retry-After': String(retryAfter) } }));
    }
    return new Promise<BatchOutputs>((resolve, reject) => {
      const now = performance.now();
      this.queue.push({ pixels, wanted, enqueuedAt: now, deadline: now + options.timeoutMs, signal: options.signal, resolve, reject });
      this.queued += n;
      this.schedule();
    });
  }

  /** Resolves once nothing is queued or running (draining on shutdown). */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private schedule(): void {
    if (this.running > 0 || this.queue.length === 0) return;
    const waited = performance.now() - this.queue[0].enqueuedAt;
    if (this.queued >= this.options.maxBatch || waited >= this.options.maxWaitMs) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.runBatch();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.schedule();
      }, this.options.maxWaitMs - waited);
    }
  }

  /** Takes jobs from the head up to maxBatch images (at least one job), dropping expired and abandoned ones. */
  private take(): Job[] {
    const batch: Job[] = [];
    let images = 0;
    const now = performance.now();
    while (this.queue.length > 0) {
      const job = this.queue[0];
      if (job.signal?.aborted || job.deadline <= now) {
        this.queue.shift();
        this.queued -= rows(job);
        job.reject(job.signal?.aborted ? new HttpError(499, 'client closed the request') : new HttpError(504, 'request timed out waiting in the queue'));
        continue;
      }
      if (batch.length > 0 && images + rows(job) > this.options.maxBatch) break;
      this.queue.shift();
      this.queued -= rows(job);
      batch.push(job);
      images += rows(job);
    }
    return batch;
  }

  private async runBatch(): Promise<void> {
    const batch = this.take();
    if (batch.length === 0) return this.afterBatch();
    const images = batch.reduce((n, job) => n + rows(job), 0);
    this.running = images;
    const started = performance.now();
    for (const job of batch) this.hooks.onDequeue?.((started - job.enqueuedAt) / 1000);
    try {
      const pixels = batch.length === 1 ? batch[0].pixels : concat(batch.map((j) => j.pixels));
      const wanted: OutputsWanted = {
        logits: batch.some((j) => j.wanted.logits),
        pooled: batch.some((j) => j.wanted.pooled),
        tokens: batch.some((j) => j.wanted.tokens),
      };
      const out = await this.forward(pixels, wanted);
      const seconds = (performance.now() - started) / 1000;
      this.secondsPerImage = 0.8 * this.secondsPerImage + (0.2 * seconds) / images;
      this.hooks.onBatch?.(images, seconds);
      let start = 0;
      for (const job of batch) {
        job.resolve(sliceOutputs(out, start, rows(job)));
        start += rows(job);
      }
    } catch (e) {
      for (const job of batch) job.reject(e);
    } finally {
      this.running = 0;
      // Let the requests that arrived during the pass be read first, so they join the next batch.
      setImmediate(() => this.afterBatch());
    }
  }

  private afterBatch(): void {
    if (this.queue.length === 0 && this.running === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
      return;
    }
    this.schedule();
  }
}

/** Concatenates [n_i, ...rest] tensors of one trailing shape along the first axis. */
function concat(parts: readonly Tensor[]): Tensor {
  const rest = parts[0].shape.slice(1);
  const total = parts.reduce((n, p) => n + p.shape[0], 0);
  const data = new Float32Array(parts.reduce((n, p) => n + p.size, 0));
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.size;
  }
  return new Tensor(data, [total, ...rest]);
}
