/**
 * Progress bars on stderr: drawn only when stderr is a terminal and --quiet is off, so pipes,
 * logs and --json consumers never see them. One line, redrawn in place, at most every 100 ms.
 */

import type { DownloadProgress } from '@purevit/weights';
import type { OutputStream } from './io.js';

export interface Progress {
  /** Batches: images done of total, with the rate and the time left once it can be estimated. */
  items(label: string): (done: number, total: number) => void;
  /** Downloads: bytes of each file (openRepo's onProgress). */
  download(): (progress: DownloadProgress) => void;
  /** Clears the bar line (before normal output or an error). */
  clear(): void;
}

const WIDTH = 24;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[u]}`;
}

/** 75 → "1m15s", 3725 → "1h02m". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** " 12.3 img/s, ETA 1m15s" once half a second has passed and something is done, else "". */
export function rateAndEta(done: number, total: number, seconds: number): string {
  if (done <= 0 || seconds < 0.5) return '';
  const rate = done / seconds;
  return ` ${rate.toFixed(rate < 10 ? 2 : 1)} img/s, ETA ${formatDuration((total - done) / rate)}`;
}

export function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * WIDTH);
  return `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}]`;
}

const silent: Progress = { items: () => () => undefined, download: () => () => undefined, clear: () => undefined };

export function createProgress(stream: OutputStream, quiet: boolean, now: () => number = Date.now): Progress {
  if (quiet || !stream.isTTY) return silent;
  let shown = false;
  let last = -Infinity;
  const draw = (line: string, final: boolean): void => {
    const t = now();
    if (!final && t - last < 100) return;
    last = t;
    const max = (stream.columns ?? 80) - 1;
    stream.write(`\r\x1b[K${line.length > max ? line.slice(0, max) : line}`);
    shown = true;
  };
  return {
    items: (label) => {
      const started = now();
      return (done, total) => draw(`${label} ${bar(done / total)} ${done}/${total}${rateAndEta(done, total, (now() - started) / 1000)}`, done === total);
    },
    download: () => (p) => {
      const of = p.total === undefined ? formatBytes(p.loaded) : `${formatBytes(p.loaded)}/${formatBytes(p.total)}`;
      draw(`downloading ${p.file} ${p.total ? bar(p.loaded / p.total) : ''} ${of}`, p.total !== undefined && p.loaded >= p.total);
    },
    clear: () => {
      if (shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
