/**
 * The Hugging Face hub cache, shared with Python (huggingface_hub's file_download.py):
 *
 *   <cache>/models--<org>--<name>/
 *     refs/<revision>                  commit hash the branch or tag pointed to
 *     blobs/<etag>                     file contents, named by etag (sha256 for LFS, git sha1 otherwise)
 *     snapshots/<commit>/<file>        relative symlink to ../../blobs/<etag>
 *     .no_exist/<commit>/<file>        empty marker: the file does not exist at that commit
 *   <cache>/.locks/models--<org>--<name>/<etag>.lock   held while one process downloads that blob
 */

import { formatValue } from '../limits/format-value.js';
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { COMMIT_HASH, validateEtag, validateFilename, validateRepoId, validateRevision } from '../hub/validate.js';

type Env = Readonly<Record<string, string | undefined>>;

/** HF_HUB_CACHE, else HUGGINGFACE_HUB_CACHE (legacy), else HF_HOME/hub, else XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub. */
export function defaultCacheDir(env: Env = process.env): string {
  const expand = (p: string): string => (p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p);
  if (env.HF_HUB_CACHE) return resolve(expand(env.HF_HUB_CACHE));
  if (env.HUGGINGFACE_HUB_CACHE) return resolve(expand(env.HUGGINGFACE_HUB_CACHE));
  if (env.HF_HOME) return resolve(expand(env.HF_HOME), 'hub');
  return resolve(expand(env.XDG_CACHE_HOME || join(homedir(), '.cache')), 'huggingface', 'hub');
}

/** huggingface_hub's _is_true. */
export function envFlag(value: string | undefined): boolean {
  return value !== undefined && ['1', 'ON', 'YES', 'TRUE'].includes(value.toUpperCase());
}

export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}

/** The cache folder of one model repo; every path it hands out is checked to stay inside it. */
export class RepoCache {
  readonly root: string;
  /** huggingface_hub's lock folder of this repo. */
  readonly locks: string;

  constructor(cacheDir: string, repoId: string) {
    validateRepoId(repoId);
    this.root = join(resolve(cacheDir), repoFolderName(repoId));
    this.locks = join(resolve(cacheDir), '.locks', repoFolderName(repoId));
  }

  private inside(...parts: string[]): string {
    const path = join(this.root, ...parts);
    if (!path.startsWith(this.root + sep)) throw new Error(`path ${path} escapes the cache folder ${this.root}`);
    return path;
  }

  refPath(revision: string): string {
    validateRevision(revision);
    return this.inside('refs', ...revision.split('/'));
  }

  blobPath(etag: string): string {
    validateEtag(etag);
    return this.inside('blobs', etag);
  }

  lockPath(etag: string): string {
    validateEtag(etag);
    return join(this.locks, `${etag}.lock`);
  }

  snapshotPath(commit: string, file: string): string {
    checkCommit(commit);
    validateFilename(file);
    return this.inside('snapshots', commit, ...file.split('/'));
  }

  noExistPath(commit: string, file: string): string {
    checkCommit(commit);
    validateFilename(file);
    return this.inside('.no_exist', commit, ...file.split('/'));
  }

  /** The commit a branch or tag was last seen at, if cached. */
  async readRef(revision: string): Promise<string | undefined> {
    const text = await readFile(this.refPath(revision), 'utf8').catch(() => undefined);
    const commit = text?.trim();
    return commit !== undefined && COMMIT_HASH.test(commit) ? commit : undefined;
  }

  async writeRef(revision: string, commit: string): Promise<void> {
    checkCommit(commit);
    if (revision === commit || (await this.readRef(revision)) === commit) return;
    const path = this.refPath(revision);
    await mkdir(dirname(path), { recursive: true });
    await atomicWrite(path, commit);
  }

  async hasSnapshotFile(commit: string, file: string): Promise<boolean> {
    return isFile(this.snapshotPath(commit, file));
  }

  async hasNoExistMarker(commit: string, file: string): Promise<boolean> {
    return isFile(this.noExistPath(commit, file));
  }

  async hasSnapshot(commit: string): Promise<boolean> {
    checkCommit(commit);
    return stat(this.inside('snapshots', commit)).then((s) => s.isDirectory(), () => false);
  }

  async markNoExist(commit: string, file: string): Promise<void> {
    const path = this.noExistPath(commit, file);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, '');
  }

  /** Points snapshots/<commit>/<file> at blobs/<etag> with a relative symlink, or a copy where symlinks fail. */
  async link(commit: string, file: string, etag: string): Promise<string> {
    const pointer = this.snapshotPath(commit, file);
    const blob = this.blobPath(etag);
    await mkdir(dirname(pointer), { recursive: true });
    const target = relative(dirname(pointer), blob);
    try {
      await symlink(target, pointer);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') {
        // A concurrent download linked it already; anything else there is not ours to replace.
        if ((await readlink(pointer).catch(() => undefined)) === target || (await isFile(pointer))) return pointer;
        throw e;
      }
      if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EACCES') throw e;
      await copyFile(blob, pointer);
    }
    return pointer;
  }
}

function checkCommit(commit: string): void {
  if (!COMMIT_HASH.test(commit)) throw new Error(`invalid commit hash ${formatValue(commit)}`);
}

export async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/** Writes through a uniquely named temporary file and a rename, so readers see old or new, never half. */
export async function atomicWrite(path: string, content: string): Promise<void> {
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, content);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  }
}
