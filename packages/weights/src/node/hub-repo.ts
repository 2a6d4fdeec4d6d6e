/**
 * A ModelRepo for a hub id, through the Hugging Face cache shared with Python: files already there
 * (downloaded by transformers or by us) are used without any network access; missing ones are
 * downloaded into the same layout. One repo object pins one commit, so config and weights always
 * come from the same snapshot.
 */

import { HubError } from '../hub/errors.js';
import { DEFAULT_ENDPOINT, DEFAULT_REVISION, fetchFileMetadata, resolveUrl, type FileMetadata } from '../hub/resolve.js';
import { COMMIT_HASH, isCommitHash, validateFilename, validateRevision } from '../hub/validate.js';
import type { OpenRepoOptions } from '../platform.js';
import type { ModelRepo } from '../repo.js';
import type { ByteSource } from '../sources/byte-source.js';
import { checkConfigSize, MAX_CONFIG_BYTES, parseConfigJson } from '../limits/config-bounds.js';
import { fileSource } from './file-source.js';
import { defaultCacheDir, envFlag, RepoCache } from './hub-cache.js';
import { ensureBlob } from './hub-download.js';
import { readConfigText } from './local-repo.js';

export interface HubRepo extends ModelRepo {
  readonly revision: string;
  readonly cacheDir: string;
  /** The commit this repo reads from, once known (from the cached ref or the server). */
  commit(): Promise<string | undefined>;
  /** Local path of a file in the cache snapshot, downloading it if needed. */
  resolve(file: string): Promise<string>;
}

type Located = { kind: 'file'; path: string } | { kind: 'absent' } | { kind: 'uncached'; commit: string | undefined };

export function hubRepo(repoId: string, options: OpenRepoOptions = {}): HubRepo {
  const env = process.env;
  const revision = options.revision ?? DEFAULT_REVISION;
  validateRevision(revision);
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const cache = new RepoCache(cacheDir, repoId);
  const endpoint = (options.endpoint ?? env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
  const token = options.token ?? (env.HF_TOKEN || undefined);
  const offline = options.offline ?? (envFlag(env.HF_HUB_OFFLINE) || envFlag(env.TRANSFORMERS_OFFLINE));
  const what = (file: string): string => `${file} of ${repoId}@${revision}`;

  let pinned: string | undefined = isCommitHash(revision) ? revision : undefined;
  const commit = async (): Promise<string | undefined> => (pinned ??= await cache.readRef(revision));

  const locateCached = async (file: string): Promise<Located> => {
    validateFilename(file);
    const c = await commit();
    if (c !== undefined) {
      if (await cache.hasSnapshotFile(c, file)) return { kind: 'file', path: cache.snapshotPath(c, file) };
      if (await cache.hasNoExistMarker(c, file)) return { kind: 'absent' };
    }
    return { kind: 'uncached', commit: c };
  };

  const offlineError = (file: string): HubError =>
    new HubError(
      'offline',
      `${what(file)} is not in the Hugging Face cache (${cache.root}) and offline mode is on (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE)`,
    );

  /** HEAD on the resolve endpoint; learns (and caches) the commit; null when the file does not exist. */
  const metadata = async (file: string, known: string | undefined): Promise<(FileMetadata & { commit: string; etag: string; size: number }) | null> => {
    let meta: FileMetadata;
    try {
      meta = await fetchFileMetadata(resolveUrl(endpoint, repoId, known ?? revision, file), { fetch: options.fetch, token, what: what(file), limits: options.limits });
    } catch (e) {
      if (e instanceof HubError && e.code === 'entry_not_found') {
        const c = e.commit !== undefined && COMMIT_HASH.test(e.commit) ? e.commit : known;
        if (c !== undefined) {
          await cache.markNoExist(c, file).catch(() => undefined);
          await remember(c);
        }
        return null;
      }
      throw e;
    }
    const { commit: c, etag, size } = meta;
    if (c === undefined || !COMMIT_HASH.test(c)) {
      throw new HubError('bad_metadata', `no valid X-Repo-Commit for ${what(file)}: is ${endpoint} a Hugging Face hub endpoint?`);
    }
    if (etag === undefined) throw new HubError('bad_metadata', `no ETag for ${what(file)}`);
    if (size === undefined) throw new HubError('bad_metadata', `no size (X-Linked-Size / Content-Length) for ${what(file)}`);
    await remember(c);
    return { ...meta, commit: c, etag, size };
  };

  const remember = async (c: string): Promise<void> => {
    pinned ??= c;
    if (!isCommitHash(revision)) await cache.writeRef(revision, c).catch(() => undefined);
  };

  /** The file's path in the snapshot, downloading it first if needed; `maxBytes` refuses larger files before any download. */
  const resolve = async (file: string, maxBytes = Infinity): Promise<string> => {
    const located = await locateCached(file);
    if (located.kind === 'file') return located.path;
    if (located.kind === 'absent') throw new HubError('entry_not_found', `${what(file)} does not exist (cached .no_exist marker)`);
    if (offline) throw offlineError(file);
    const meta = await metadata(file, located.commit);
    if (meta === null) throw new HubError('entry_not_found', `${what(file)} does not exist`);
    if (await cache.hasSnapshotFile(meta.commit, file)) return cache.snapshotPath(meta.commit, file);
    checkConfigSize(meta.size, what(file), maxBytes);
    await ensureBlob({
      url: meta.location,
      path: cache.blobPath(meta.etag),
      lockPath: cache.lockPath(meta.etag),
      etag: meta.etag,
      expectedSize: meta.size,
      token,
      tokenOrigin: new URL(endpoint).origin,
      file,
      what: what(file),
      fetch: options.fetch,
      onProgress: options.onProgress,
      limits: options.limits,
    });
    return cache.link(meta.commit, file, meta.etag);
  };
  const readText = async (file: string): Promise<string> => readConfigText(await resolve(file, MAX_CONFIG_BYTES), what(file));

  return {
    id: repoId,
    revision,
    cacheDir,
    commit,
    resolve,
    async exists(file) {
      const located = await locateCached(file);
      if (located.kind !== 'uncached') return located.kind === 'file';
      if (offline) {
        // With the snapshot cached, a file absent from it counts as absent (as transformers does offline).
        if (located.commit !== undefined && (await cache.hasSnapshot(located.commit))) return false;
        throw new HubError(
          'offline',
          `${repoId}@${revision} is not in the Hugging Face cache (${cache.root}) and offline mode is on (HF_HUB_OFFLINE / TRANSFORMERS_OFFLINE): cannot tell whether ${file} exists`,
        );
      }
      return (await metadata(file, located.commit)) !== null;
    },
    readText,
    readJson: async <T>(file: string) => parseConfigJson(await readText(file), what(file)) as T,
    open: async (file): Promise<ByteSource> => fileSource(await resolve(file)),
  };
}
