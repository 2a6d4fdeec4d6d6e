// A local stand-in for the hub's resolve endpoint (and a CDN on another origin), for tests only.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRepo {
  /** branch → commit */
  refs: Record<string, string>;
  /** commit → file → content */
  commits: Record<string, Record<string, Uint8Array>>;
  /** Requires `Authorization: Bearer <token>`. */
  token?: string;
}

export interface LoggedRequest {
  server: 'hub' | 'cdn';
  method: string;
  url: string;
  authorization: string | undefined;
  range: string | undefined;
}

export interface FakeHub {
  endpoint: string;
  cdn: string;
  repos: Map<string, FakeRepo>;
  log: LoggedRequest[];
  /** Blob sha256 → bytes after which the connection is cut. */
  cutAfter: Map<string, number>;
  /** Hooks to misbehave: override headers of resolve answers. */
  headerOverrides: Record<string, string | null>;
  /** Delay in ms before a CDN body starts. */
  cdnDelay: number;
  /** Bodies sent instead of a file's true content (same headers, same hashes): corruption in transit. */
  bodyOverrides: Map<string, Uint8Array>;
  /** CDN bodies in chunks of this many bytes, `throttle.delayMs` apart (0: all at once). */
  throttle: { chunk: number; delayMs: number };
  close(): Promise<void>;
}

export const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
export const gitSha1 = (b: Uint8Array): string => createHash('sha1').update(`blob ${b.byteLength}\0`).update(b).digest('hex');
const isLfs = (file: string): boolean => file.endsWith('.safetensors') || file.endsWith('.bin');

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ server: Server; base: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export async function startFakeHub(): Promise<FakeHub> {
  const repos = new Map<string, FakeRepo>();
  const log: LoggedRequest[] = [];
  const cutAfter = new Map<string, number>();
  const blobs = new Map<string, Uint8Array>();
  const bodyOverrides = new Map<string, Uint8Array>();
  const hub: Partial<FakeHub> = { repos, log, cutAfter, headerOverrides: {}, cdnDelay: 0, bodyOverrides, throttle: { chunk: 0, delayMs: 0 } };
  const bodyOf = new Map<string, Uint8Array>(); // blob sha256 → what the CDN sends

  const record = (server: 'hub' | 'cdn', req: IncomingMessage): void => {
    log.push({ server, method: req.method ?? '', url: req.url ?? '', authorization: req.headers.authorization, range: req.headers.range });
  };

  const cdn = await listen((req, res) => {
    record('cdn', req);
    const sha = (req.url ?? '').replace(/^\/blobs\//, '').split('?')[0];
    const data = bodyOf.get(sha) ?? blobs.get(sha);
    if (!data) return void res.writeHead(404).end();
    const send = (body: Uint8Array): void => {
      const { chunk, delayMs } = hub.throttle!;
      if (chunk <= 0) return void res.end(body);
      let at = 0;
      const next = (): void => {
        if (res.destroyed) return;
        if (at >= body.byteLength) return void res.end();
        res.write(body.subarray(at, at + chunk));
        at += chunk;
        setTimeout(next, delayMs);
      };
      next();
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] === '' ? Infinity : Number(range[2]), data.byteLength - 1);
      res.writeHead(206, { 'Content-Length': end - start + 1, 'Content-Range': `bytes ${start}-${end}/${data.byteLength}`, 'Accept-Ranges': 'bytes' });
      if (req.method === 'HEAD') return void res.end();
      return void setTimeout(() => send(data.subarray(start, end + 1)), hub.cdnDelay);
    }
    res.writeHead(200, { 'Content-Length': data.byteLength, 'Accept-Ranges': 'bytes' });
    if (req.method === 'HEAD') return void res.end();
    const cut = cutAfter.get(sha);
    setTimeout(() => {
      if (cut === undefined) return send(data);
      res.write(data.subarray(0, cut), () => res.destroy());
    }, hub.cdnDelay);
  });

  const server = await listen((req, res) => {
    record('hub', req);
    const m = /^\/(.+?)\/resolve\/([^/]+)\/(.+)$/.exec((req.url ?? '').split('?')[0]);
    if (!m) return void res.writeHead(404).end();
    const [, repoId, rev, file] = [m[0], m[1], decodeURIComponent(m[2]), m[3].split('/').map(decodeURIComponent).join('/')];
    const repo = repos.get(repoId);
    const send = (status: number, headers: Record<string, string | number>, body?: Uint8Array): void => {
      const h: Record<string, string | number> = { ...headers };
      for (const [k, v] of Object.entries(hub.headerOverrides ?? {})) {
        if (v === null) delete h[k];
        else h[k] = v;
      }
      res.writeHead(status, h);
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (!repo || (repo.token !== undefined && req.headers.authorization !== `Bearer ${repo.token}`)) {
      return send(401, { 'X-Error-Code': 'RepoNotFound', 'X-Error-Message': 'Repository not found' });
    }
    const commit = repo.refs[rev] ?? (repo.commits[rev] ? rev : undefined);
    if (!commit) return send(404, { 'X-Error-Code': 'RevisionNotFound' });
    const data = repo.commits[commit][file];
    if (!data) return send(404, { 'X-Error-Code': 'EntryNotFound', 'X-Repo-Commit': commit });
    const body = bodyOverrides.get(file) ?? data;
    if (isLfs(file)) {
      const sha = sha256(data);
      blobs.set(sha, data);
      if (body !== data) bodyOf.set(sha, body);
      else bodyOf.delete(sha);
      return send(302, {
        Location: `${hub.cdn}/blobs/${sha}?signed=1`,
        'X-Repo-Commit': commit,
        'X-Linked-Etag': `"${sha}"`,
        'X-Linked-Size': data.byteLength,
        ETag: `"${gitSha1(new TextEncoder().encode(`version https://git-lfs.github.com/spec/v1\noid sha256:${sha}\n`))}"`,
      });
    }
    return send(200, { 'X-Repo-Commit': commit, ETag: `"${gitSha1(data)}"`, 'Content-Length': body.byteLength }, body);
  });

  hub.endpoint = server.base;
  hub.cdn = cdn.base;
  hub.close = async () => {
    await Promise.all([server.server, cdn.server].map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
  };
  return hub as FakeHub;
}
