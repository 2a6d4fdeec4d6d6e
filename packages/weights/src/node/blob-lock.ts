/**
 * One lock file per blob, at huggingface_hub's place (`<cache>/.locks/models--org--name/<etag>.lock`),
 * so that concurrent processes download a blob once: the first takes the lock, the others wait for
 * the blob to appear. Node has no flock, so the lock is a file created exclusively (O_EXCL) holding
 * its owner's pid and host, kept fresh by a heartbeat; a lock whose owner died (same host, pid gone)
 * or whose heartbeat stopped is taken over. Correctness never depends on the lock: blobs are
 * published only if absent (hub-download.ts), so a lock taken over by mistake costs a second
 * download, never a replaced or corrupt blob.
 */

import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { mkdir, open, readFile, rm, stat, utimes } from 'node:fs/promises';

export interface BlobLockOptions {
  /** A lock untouched for this long is abandoned (default 30 s; the owner touches it every staleMs / 4). */
  staleMs?: number;
  /** How often a waiter looks again (default 100 ms). */
  pollMs?: number;
  /** Called while waiting; true means the work is done elsewhere (the blob appeared), so stop waiting. */
  doneElsewhere?: () => Promise<boolean>;
  /** Gives up waiting after this long (default: the stale time × 20, i.e. 10 minutes). */
  maxWaitMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work` holding the lock at `lockPath`; resolves to undefined without running it when
 * `doneElsewhere` says another process finished the job while this one waited.
 */
export async function withBlobLock<T>(lockPath: string, work: () => Promise<T>, options: BlobLockOptions = {}): Promise<T | undefined> {
  const staleMs = options.staleMs ?? 30_000;
  const pollMs = options.pollMs ?? 100;
  const maxWaitMs = options.maxWaitMs ?? staleMs * 20;
  await mkdir(dirname(lockPath), { recursive: true });
  const token = `${process.pid}@${hostname()}#${Math.random().toString(36).slice(2)}`;
  const started = Date.now();
  for (;;) {
    if (await tryCreate(lockPath, token)) break;
    if (await isAbandoned(lockPath, staleMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (options.doneElsewhere && (await options.doneElsewhere())) return undefined;
    if (Date.now() - started > maxWaitMs) throw new Error(`timed out after ${Math.round(maxWaitMs / 1000)} s waiting for the lock ${lockPath}`);
    await sleep(pollMs);
  }
  const heartbeat = setInterval(() => {
    const now = new Date();
    utimes(lockPath, now, now).catch(() => undefined);
  }, Math.max(10, staleMs / 4));
  heartbeat.unref();
  try {
    return await work();
  } finally {
    clearInterval(heartbeat);
    // Remove only our own lock (one taken over after a long stall belongs to someone else now).
    if ((await readFile(lockPath, 'utf8').catch(() => '')) === token) await rm(lockPath, { force: true });
  }
}

async function tryCreate(lockPath: string, token: string): Promise<boolean> {
  try {
    const handle = await open(lockPath, 'wx');
    try {
      await handle.writeFile(token);
    } finally {
      await handle.close();
    }
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
}

/** The owner is a dead process on this host, or the heartbeat stopped `staleMs` ago. */
async function isAbandoned(lockPath: string, staleMs: number): Promise<boolean> {
  const info = await stat(lockPath).catch(() => undefined);
  if (info === undefined) return false; // released meanwhile: try again
  const owner = /^(\d+)@([^#]*)#/.exec(await readFile(lockPath, 'utf8').catch(() => ''));
  if (owner && owner[2] === hostname() && !isAlive(Number(owner[1]))) return true;
  // A lock without our format (written by huggingface_hub, which leaves its lock files behind) or
  // one from another host: only its age tells.
  return Date.now() - info.mtimeMs > staleMs;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
