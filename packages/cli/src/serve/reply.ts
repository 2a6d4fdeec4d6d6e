import type { ServerResponse } from 'node:http';

/** What a handler answers; the server writes it (and counts it). */
export interface Reply {
  status: number;
  body: string | Uint8Array;
  contentType: string;
  headers?: Readonly<Record<string, string>>;
}

export function json(value: unknown, status = 200, headers?: Readonly<Record<string, string>>): Reply {
  return { status, body: JSON.stringify(value), contentType: 'application/json', headers };
}

export function writeReply(res: ServerResponse, reply: Reply): void {
  if (res.headersSent || res.destroyed) return;
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  res.writeHead(reply.status, { ...reply.headers, 'Content-Type': reply.contentType, 'Content-Length': String(body.byteLength) });
  res.end(body);
}
