/**
 * `purevit serve` as a function: a node:http server holding one model, answering the Hugging Face
 * Inference Endpoints shapes (hf-protocol.ts), the Open Inference Protocol (oip-protocol.ts) and
 * Prometheus scrapes (/metrics). It listens at once (live) and answers inference once the model is
 * loaded (ready); shutdown() stops accepting, lets in-flight requests finish, then frees the model.
 * Whatever a client sends, the answer is a JSON error at worst: the server keeps serving.
 */

import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Tensor } from '@purevit/core';
import type { PipelineOptions } from '@purevit/models';
import { Batcher } from './batcher.js';
import { handleHf, type HfTask } from './hf-protocol.js';
import { HttpError, type ErrorKind } from './http-error.js';
import type { InferContext } from './infer-context.js';
import { ModelRunner, type BatchOutputs, type OutputsWanted } from './model-runner.js';
import { MODEL_VERSION, handleInfer, modelMetadata, serverMetadata } from './oip-protocol.js';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';
import { readBody } from './read-body.js';
import { json, writeReply, type Reply } from './reply.js';
import type { ServeOptions } from './serve-options.js';
import { ServerMetrics, type RouteName } from './server-metrics.js';

export type ServerState = 'loading' | 'ready' | 'draining' | 'stopped' | 'failed';

export interface ServeHandle {
  /** http://host:port, the port resolved when 0 was asked. */
  readonly url: string;
  /** Resolves when the model is loaded and inference is answered; rejects if loading fails. */
  readonly ready: Promise<void>;
  readonly metrics: ServerMetrics;
  state(): ServerState;
  /** Stops accepting, waits for in-flight requests (up to drainTimeoutMs), frees the model. True when all finished. */
  shutdown(): Promise<boolean>;
}

export interface StartOptions {
  /** Where lifecycle and server-error lines go (one line each). */
  log?: (line: string) => void;
  /** How the model loads (download progress, revision, token…). */
  loadOptions?: PipelineOptions;
  /** Serve this already loaded model instead of loading options.model (it is disposed on shutdown). */
  runner?: ModelRunner;
}

interface Route {
  name: RouteName;
  methods: readonly string[];
  handle(req: IncomingMessage, url: URL): Promise<Reply> | Reply;
}

export async function startServer(options: ServeOptions, start: StartOptions = {}): Promise<ServeHandle> {
  const log = start.log ?? (() => undefined);
  let state: ServerState = 'loading';
  let runner: ModelRunner | null = null;
  let inFlight = 0;
  let drainWaiters: (() => void)[] = [];

  const batcher = new Batcher((pixels, wanted) => runner!.forward(pixels, wanted), options, {
    onBatch: (images, seconds) => {
      metrics.batches.observe(images);
      metrics.forwardTime.observe(seconds);
      metrics.images.inc(undefined, images);
    },
    onDequeue: (seconds) => metrics.queueWait.observe(seconds),
  });
  const metrics = new ServerMetrics(batcher, () => inFlight, () => state === 'ready');

  const requireReady = (): ModelRunner => {
    if (state === 'draining' || state === 'stopped') throw new HttpError(503, 'the server is shutting down', { kind: 'shutting_down', headers: { Connection: 'close' } });
    if (state !== 'ready' || !runner) throw new HttpError(503, 'the model is still loading', { kind: 'not_ready', headers: { 'Retry-After': '5' } });
    return runner;
  };

  /** For a request accepted while ready: it runs to its end even if shutdown begins meanwhile. */
  const inferContext = (model: ModelRunner, res: ServerResponse): InferContext => {
    const deadline = performance.now() + options.timeoutMs;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableEnded) abort.abort();
    });
    return {
      runner: model,
      maxPixels: options.maxPixels,
      maxImages: options.maxQueue,
      infer: (pixels: Tensor, wanted: OutputsWanted) => withDeadline(batcher.submit(pixels, wanted, { timeoutMs: deadline - performance.now(), signal: abort.signal }), deadline),
    };
  };

  const body = (req: IncomingMessage): Promise<Buffer> => readBody(req, options.maxBodyBytes);
  const hf = (task: HfTask): Route['handle'] => async (req, url) => {
    const model = requireReady();
    return handleHf(task, req, await body(req), url.searchParams, inferContext(model, responses.get(req)!));
  };
  const defaultHfTask: HfTask = options.task === 'image-classification' ? 'image-classification' : 'feature-extraction';

  const health = (): Reply => (state === 'ready' ? { status: 200, body: 'Ok', contentType: 'text/plain; charset=utf-8' } : json({ error: `the server is ${state}` }, 503));
  const routes: Record<string, Route> = {
    '/': { name: 'hf', methods: ['GET', 'POST'], handle: (req, url) => (req.method === 'POST' ? hf(defaultHfTask)(req, url) : health()) },
    '/predict': { name: 'hf', methods: ['POST'], handle: hf(defaultHfTask) },
    '/health': { name: 'health', methods: ['GET'], handle: health },
    '/pipeline/image-classification': { name: 'hf', methods: ['POST'], handle: hf('image-classification') },
    '/pipeline/feature-extraction': { name: 'hf', methods: ['POST'], handle: hf('feature-extraction') },
    '/pipeline/image-feature-extraction': { name: 'hf', methods: ['POST'], handle: hf('feature-extraction') },
    '/metrics': { name: 'metrics', methods: ['GET'], handle: () => ({ status: 200, body: metrics.registry.render(), contentType: PROMETHEUS_CONTENT_TYPE }) },
    '/v2': { name: 'v2_metadata', methods: ['GET'], handle: () => serverMetadata() },
    '/v2/health/live': { name: 'health', methods: ['GET'], handle: () => json({ live: state !== 'stopped' && state !== 'failed' }, state === 'stopped' || state === 'failed' ? 400 : 200) },
    // The spec: 200 means ready, a 4xx not ready (Kubernetes readiness probes count either way).
    '/v2/health/ready': { name: 'health', methods: ['GET'], handle: () => json({ ready: state === 'ready' }, state === 'ready' ? 200 : 400) },
  };

  const modelRoute = (path: string): Route | undefined => {
    const m = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?(\/ready|\/infer)?$/.exec(path);
    if (!m) return undefined;
    const [, rawName, rawVersion, action] = m;
    const check = (): void => {
      let name: string;
      let version: string | undefined;
      try {
        name = decodeURIComponent(rawName);
        version = rawVersion === undefined ? undefined : decodeURIComponent(rawVersion);
      } catch {
        throw new HttpError(400, 'malformed percent-encoding in the path');
      }
      if (name !== options.name) throw new HttpError(404, `unknown model ${JSON.stringify(name)}; this server has ${JSON.stringify(options.name)}`);
      if (version !== undefined && version !== MODEL_VERSION) throw new HttpError(404, `unknown version ${JSON.stringify(version)} of model ${options.name}; it has version ${MODEL_VERSION}`);
    };
    if (action === '/infer') {
      return {
        name: 'v2_infer',
        methods: ['POST'],
        handle: async (req) => {
          check();
          const model = requireReady();
          return handleInfer(options.name, req, await body(req), inferContext(model, responses.get(req)!));
        },
      };
    }
    if (action === '/ready') {
      return {
        name: 'health',
        methods: ['GET'],
        handle: () => {
          check();
          return json({ name: options.name, ready: state === 'ready' }, state === 'ready' ? 200 : 400);
        },
      };
    }
    return {
      name: 'v2_metadata',
      methods: ['GET'],
      handle: () => {
        check();
        return modelMetadata(options.name, requireReady());
      },
    };
  };

  const responses = new WeakMap<IncomingMessage, ServerResponse>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = performance.now();
    inFlight++;
    responses.set(req, res);
    let routeName: RouteName = 'unknown';
    let status = 500;
    let kind: ErrorKind | undefined;
    res.on('close', () => {
      metrics.answered(routeName, status, (performance.now() - started) / 1000, kind);
      if (--inFlight === 0) {
        const waiters = drainWaiters;
        drainWaiters = [];
        for (const w of waiters) w();
      }
    });
    req.on('error', () => undefined); // a reset connection: the response's close handles the rest
    res.on('error', () => undefined);
    let reply: Reply;
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://server');
      } catch {
        throw new HttpError(400, 'malformed request target');
      }
      const route = Object.prototype.hasOwnProperty.call(routes, url.pathname) ? routes[url.pathname] : modelRoute(url.pathname);
      if (!route) throw new HttpError(404, `no endpoint ${url.pathname}; see /v2 (Open Inference Protocol), / (Hugging Face) and /metrics`);
      routeName = route.name;
      const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
      if (!route.methods.includes(method)) throw new HttpError(405, `${req.method} is not allowed on ${url.pathname}`, { headers: { Allow: route.methods.join(', ') } });
      reply = await route.handle(req, url);
    } catch (e) {
      if (e instanceof HttpError) {
        reply = json({ error: e.message }, e.status, e.headers);
        kind = e.kind;
      } else {
        const message = e instanceof Error ? e.message : String(e);
        log(`error answering ${req.method} ${req.url}: ${message}`);
        reply = json({ error: `internal error: ${message}` }, 500);
        kind = 'internal';
      }
    }
    status = reply.status;
    if (state === 'draining') reply = { ...reply, headers: { ...reply.headers, Connection: 'close' } };
    if (reply.headers?.Connection === 'close' && !req.complete) {
      // Refused before the body was read (413): answer, then drop the rest of the upload.
      res.on('finish', () => req.socket.destroySoon());
    }
    writeReply(res, reply);
  };

  const server: Server = createServer(
    {
      requestTimeout: options.timeoutMs,
      headersTimeout: Math.min(10_000, options.timeoutMs),
      connectionsCheckingInterval: Math.min(1_000, options.timeoutMs),
      keepAliveTimeout: 5_000,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => void handle(req, res),
  );
  server.maxConnections = 4096;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const text = JSON.stringify({ error: status === 408 ? 'request not received in time' : status === 431 ? 'request headers too large' : `malformed HTTP request (${error.code ?? error.message})` });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    metrics.answered('unknown', status, 0, status === 408 ? 'timeout' : status === 431 ? 'too_large' : 'bad_request');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const ready = (start.runner ? Promise.resolve(start.runner) : ModelRunner.load(options.task, options.model, start.loadOptions)).then(
    (loaded) => {
      if (state !== 'loading') {
        void loaded.dispose();
        return;
      }
      runner = loaded;
      state = 'ready';
    },
    (e: unknown) => {
      state = 'failed';
      throw e;
    },
  );
  ready.catch(() => undefined); // the caller awaits it; an unobserved rejection must not end the process

  let shuttingDown: Promise<boolean> | null = null;
  const shutdown = (): Promise<boolean> => {
    shuttingDown ??= (async () => {
      state = 'draining';
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const idle = (async () => {
        while (inFlight > 0) await new Promise<void>((resolve) => drainWaiters.push(resolve));
        await batcher.idle();
      })();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const drained = await Promise.race([idle.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.drainTimeoutMs)))]);
      clearTimeout(timer);
      server.closeAllConnections();
      await closed;
      await ready.catch(() => undefined);
      await runner?.dispose();
      runner = null;
      state = 'stopped';
      return drained;
    })();
    return shuttingDown;
  };

  return { url, ready, metrics, state: () => state, shutdown };
}

/** Rejects with 504 at `deadline` (performance.now() time) if `work` has not settled by then. */
function withDeadline(work: Promise<BatchOutputs>, deadline: number): Promise<BatchOutputs> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new HttpError(504, 'inference did not finish within the request timeout')), Math.max(0, deadline - performance.now()));
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
