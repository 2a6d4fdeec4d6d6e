/**
 * The two small Vite plugins of the demo server (dev and preview alike): cross-origin isolation
 * headers, and a read-only static folder with HEAD and single-range GET (what platform-web's
 * `openRepo` and `httpRangeSource` ask of a server).
 */

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import type { Plugin } from 'vite';

export type Middleware = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** A plugin that adds one middleware to the dev server and the preview server alike. */
function middlewarePlugin(name: string, middleware: Middleware): Plugin {
  return {
    name,
    configureServer: (server) => void server.middlewares.use(middleware),
    configurePreviewServer: (server) => void server.middlewares.use(middleware),
  };
}

/**
 * COOP `same-origin` + COEP `require-corp` on every response, which makes the page cross-origin
 * isolated (SharedArrayBuffer, so the worker pool may share memory), unless the request's query has
 * `isolation=off`: only the document's headers decide, so that one flag on the page URL suffices.
 */
export function isolationHeaders(): Middleware {
  return (req, res, next) => {
    const query = new URL(req.url ?? '/', 'http://localhost').searchParams;
    if (query.get('isolation') !== 'off') {
      res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
      res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    }
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    next();
  };
}

export function crossOriginIsolation(): Plugin {
  return middlewarePlugin('purevit-cross-origin-isolation', isolationHeaders());
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.json': 'application/json',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.md': 'text/markdown; charset=utf-8',
};

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` of a file of `size` bytes → [start, end] inclusive; null if unsatisfiable. */
export function parseRange(header: string, size: number): [number, number] | null {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start: number;
  let end: number;
  if (m[1] === '') {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  return start <= end && start < size ? [start, end] : null;
}

/** Serves the files under `dir` at URL `prefix` (GET and HEAD, one byte range at most), read-only. */
export function folderMiddleware(prefix: string, dir: string): Middleware {
  const root = resolve(dir);
  return (req, res, next) => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (!pathname.startsWith(prefix)) return next();
    void (async () => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      let file: string;
      try {
        file = resolve(root, decodeURIComponent(pathname.slice(prefix.length)));
      } catch {
        res.writeHead(400).end();
        return;
      }
      const info = file.startsWith(root + sep) ? await stat(file).catch(() => null) : null;
      if (!info?.isFile()) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end(`not found: ${pathname}`);
        return;
      }
      const headers: Record<string, string | number> = {
        'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Accept-Ranges': 'bytes',
        'Cache-Control': 'no-cache',
      };
      let start = 0;
      let end = info.size - 1;
      let status = 200;
      const range = req.headers.range;
      if (range !== undefined) {
        const parsed = parseRange(range, info.size);
        if (!parsed) {
          res.writeHead(416, { 'Content-Range': `bytes */${info.size}` }).end();
          return;
        }
        [start, end] = parsed;
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
      }
      headers['Content-Length'] = Math.max(0, end - start + 1);
      res.writeHead(status, headers);
      if (req.method === 'HEAD' || end < start) {
        res.end();
        return;
      }
      createReadStream(file, { start, end }).on('error', (error) => res.destroy(error)).pipe(res);
    })().catch(next);
  };
}

export function serveFolder(prefix: string, dir: string): Plugin {
  return middlewarePlugin('purevit-serve-folder', folderMiddleware(prefix, dir));
}
