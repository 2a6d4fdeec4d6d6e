/**
 * Limits on reading untrusted bytes (a URL, a file, a hub download): how many bytes, how long in
 * total, and how long to wait for the next chunk. A server that streams forever hits `maxBytes`; one
 * that stalls mid-body hits `idleTimeoutMs`; one that trickles a byte a second hits `timeoutMs`.
 */

import { boundedMessage } from './format-value.js';

export interface ReadLimits {
  /** Most bytes accepted; more is a `too_large` error. */
  maxBytes?: number;
  /** Longest time for the whole read (connection, headers and body), in ms. */
  timeoutMs?: number;
  /** Longest wait for the answer's headers or the next chunk of its body, in ms. */
  idleTimeoutMs?: number;
  /** Aborts the read from outside (a cancelled request, a shutting-down server). */
  signal?: AbortSignal;
}

/** What `readBytes` applies to images and other files read whole: 256 MiB, 5 minutes, 30 s idle. */
export const DEFAULT_READ_LIMITS = Object.freeze({ maxBytes: 256 * 1024 * 1024, timeoutMs: 300_000, idleTimeoutMs: 30_000 });

/** Hub downloads: the size is the announced one; no total deadline (checkpoints are large), 60 s idle. */
export const DEFAULT_DOWNLOAD_LIMITS = Object.freeze({ maxBytes: Number.MAX_SAFE_INTEGER, timeoutMs: Infinity, idleTimeoutMs: 60_000 });

export type ReadLimitCode = 'too_large' | 'timeout' | 'stalled' | 'aborted';

/** A read stopped by its limits; `what` names the URL or file in the message. */
export class ReadLimitError extends Error {
  override readonly name = 'ReadLimitError';
  readonly code: ReadLimitCode;

  constructor(code: ReadLimitCode, message: string, options?: { cause?: unknown }) {
    super(boundedMessage(message), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}

export type ResolvedReadLimits = Required<Omit<ReadLimits, 'signal'>> & { signal: AbortSignal | undefined };

/** `limits` over `defaults`, each value checked (a negative or NaN limit is a caller bug). */
export function resolveLimits(limits: ReadLimits | undefined, defaults: Readonly<Required<Omit<ReadLimits, 'signal'>>>): ResolvedReadLimits {
  const out = { ...defaults, ...dropUndefined(limits ?? {}), signal: limits?.signal };
  for (const key of ['maxBytes', 'timeoutMs', 'idleTimeoutMs'] as const) {
    const v = out[key];
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new RangeError(`read limit ${key} must be a non-negative number, got ${String(v)}`);
  }
  return out;
}

function dropUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
