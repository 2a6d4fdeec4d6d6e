/**
 * The one streaming reader every untrusted byte stream goes through (image URLs, files read whole,
 * hub downloads, range reads): chunks are pulled one at a time, each wait is raced against the idle
 * and total deadlines, and the byte count is checked before a chunk is kept. On any limit the stream
 * is cancelled (and the request aborted), so nothing keeps downloading in the background.
 */

import { formatBytes } from './config-bounds.js';
import { ReadLimitError, type ResolvedReadLimits } from './read-limits.js';

/** A deadline shared by every step of one read: the total timeout and the caller's signal, as one AbortSignal. */
export class ReadDeadline {
  readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly onAbort: (() => void) | undefined;
  private readonly started = Date.now();

  constructor(
    readonly limits: ResolvedReadLimits,
    readonly what: string,
  ) {
    if (Number.isFinite(limits.timeoutMs)) {
      this.timer = setTimeout(() => this.controller.abort(this.error('timeout')), limits.timeoutMs);
    }
    const outer = limits.signal;
    if (outer) {
      if (outer.aborted) this.controller.abort(this.error('aborted'));
      this.onAbort = () => this.controller.abort(this.error('aborted'));
      outer.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  error(code: 'timeout' | 'stalled' | 'aborted'): ReadLimitError {
    const s = (ms: number): string => `${Math.round(ms / 100) / 10} s`;
    if (code === 'timeout') return new ReadLimitError('timeout', `${this.what}: no complete answer within ${s(this.limits.timeoutMs)}`);
    if (code === 'stalled') return new ReadLimitError('stalled', `${this.what}: nothing received for ${s(this.limits.idleTimeoutMs)} (after ${s(Date.now() - this.started)})`);
    return new ReadLimitError('aborted', `${this.what}: the read was aborted`);
  }

  tooLarge(atLeast: number, limit = this.limits.maxBytes): ReadLimitError {
    return new ReadLimitError('too_large', `${this.what} is larger than the ${formatBytes(limit)} limit (${formatBytes(atLeast)} or more)`);
  }

  /** Throws the abort reason if the deadline passed or the caller aborted. */
  check(): void {
    if (this.signal.aborted) throw this.signal.reason instanceof Error ? this.signal.reason : this.error('aborted');
  }

  /**
   * `promise`, unless the idle timeout or the deadline comes first: then `onGiveUp` runs (cancel the
   * stream, close the handle) and the limit's error is thrown.
   */
  async race<T>(promise: Promise<T>, onGiveUp?: () => void): Promise<T> {
    this.check();
    let idle: ReturnType<typeof setTimeout> | undefined;
    let onAbort: (() => void) | undefined;
    const limit = new Promise<never>((_, reject) => {
      if (Number.isFinite(this.limits.idleTimeoutMs)) idle = setTimeout(() => reject(this.error('stalled')), this.limits.idleTimeoutMs);
      onAbort = () => reject(this.signal.reason instanceof Error ? this.signal.reason : this.error('aborted'));
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([promise, limit]);
    } catch (e) {
      if (e instanceof ReadLimitError) {
        promise.catch(() => undefined);
        onGiveUp?.();
      }
      throw e;
    } finally {
      clearTimeout(idle);
      this.signal.removeEventListener('abort', onAbort!);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
    if (this.onAbort) this.limits.signal?.removeEventListener('abort', this.onAbort);
  }
}

/**
 * Pulls every chunk of `stream` through `onChunk`, enforcing the deadline's limits (`maxBytes`
 * overrides its byte limit); returns the byte count. The stream is cancelled on any limit or error.
 */
export async function pumpLimited(
  stream: ReadableStream<Uint8Array>,
  deadline: ReadDeadline,
  onChunk: (chunk: Uint8Array, loaded: number) => void | Promise<void>,
  maxBytes = deadline.limits.maxBytes,
): Promise<number> {
  const reader = stream.getReader();
  const cancel = (): void => void reader.cancel().catch(() => undefined);
  let loaded = 0;
  try {
    for (;;) {
      const { done, value } = await deadline.race(reader.read(), cancel);
      if (done) return loaded;
      loaded += value.byteLength;
      if (loaded > maxBytes) {
        cancel();
        throw deadline.tooLarge(loaded, maxBytes);
      }
      await onChunk(value, loaded);
    }
  } catch (e) {
    cancel();
    throw e;
  } finally {
    try {
      reader.releaseLock();
    } catch {
      // A read still pending after a cancel: the lock goes with the stream.
    }
  }
}

/** fetch within the deadline: aborted at the total timeout, and given up if the headers stall. */
export function fetchLimited(doFetch: typeof fetch, url: string, init: RequestInit, deadline: ReadDeadline): Promise<Response> {
  return deadline.race(doFetch(url, { ...init, signal: deadline.signal }));
}

/** A Content-Length presizes the buffer only up to this: a server may announce 200 MB and send 10 bytes. */
const MAX_PRESIZE = 8 * 1024 * 1024;

/** The whole stream as one buffer, within the deadline's limits; `expected` (Content-Length) presizes it. */
export async function readAllLimited(stream: ReadableStream<Uint8Array>, deadline: ReadDeadline, expected?: number): Promise<Uint8Array> {
  const presized = expected !== undefined && Number.isSafeInteger(expected) && expected >= 0 && expected <= deadline.limits.maxBytes;
  let buffer = new Uint8Array(presized ? Math.min(expected, MAX_PRESIZE) : Math.min(65536, deadline.limits.maxBytes));
  const total = await pumpLimited(stream, deadline, (chunk, loaded) => {
    if (loaded > buffer.byteLength) {
      const next = new Uint8Array(Math.min(deadline.limits.maxBytes, Math.max(loaded, buffer.byteLength * 2)));
      next.set(buffer.subarray(0, loaded - chunk.byteLength));
      buffer = next;
    }
    buffer.set(chunk, loaded - chunk.byteLength);
  });
  return total === buffer.byteLength ? buffer : buffer.slice(0, total);
}
