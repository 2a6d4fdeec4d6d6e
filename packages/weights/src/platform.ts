/** The API both platform modules (platform-node.ts, platform-web.ts) export, with the same types. */

import type { ReadLimits } from './limits/read-limits.js';
import type { ModelRepo } from './repo.js';

export interface DownloadProgress {
  /** Repo-relative file name. */
  readonly file: string;
  readonly loaded: number;
  /** Total bytes when the server said, else undefined. */
  readonly total: number | undefined;
}

export interface OpenRepoOptions {
  /** Branch, tag or commit hash (hub ids only; default "main"). */
  revision?: string;
  /** Hub cache folder (Node); default from HF_HUB_CACHE / HF_HOME / XDG_CACHE_HOME / ~/.cache. */
  cacheDir?: string;
  /** Hub endpoint; default HF_ENDPOINT or https://huggingface.co. */
  endpoint?: string;
  /** Access token sent as `Authorization: Bearer`; default HF_TOKEN. */
  token?: string;
  /** Cache only, no network; default HF_HUB_OFFLINE=1 or TRANSFORMERS_OFFLINE=1. */
  offline?: boolean;
  onProgress?: (progress: DownloadProgress) => void;
  /** fetch to use (default globalThis.fetch). */
  fetch?: typeof fetch;
  /** Time limits of every request and download (idle and total; sizes come from the hub). */
  limits?: ReadLimits;
}

export type OpenRepo = (idOrPath: string, options?: OpenRepoOptions) => Promise<ModelRepo>;
/** A whole file or URL, within `limits` (default DEFAULT_READ_LIMITS: 256 MiB, 5 min, 30 s idle). */
export type ReadBytes = (pathOrUrl: string, limits?: ReadLimits) => Promise<Uint8Array>;
