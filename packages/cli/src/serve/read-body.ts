/**
 * Reads a request body into memory, refusing more than `maxBytes`: from Content-Length before a
 * byte is read, or as soon as a chunked body passes the limit (the connection is then closed, so a
 * client cannot make the server buffer an endless upload). Slow senders are cut off by the server's
 * requestTimeout.
 */

import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > maxBytes) {
    return Promise.reject(new HttpError(413, `request body of ${declared} bytes exceeds the limit of ${maxBytes} bytes`, { headers: { Connection: 'close' } }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const fail = (error: unknown): void => {
      if (done) return;
      done = true;
      reject(error);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > maxBytes) {
        fail(new HttpError(413, `request body exceeds the limit of ${maxBytes} bytes`, { headers: { Connection: 'close' } }));
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks, size));
    });
    req.on('aborted', () => fail(new HttpError(400, 'the request body ended early (client aborted)')));
    req.on('error', (e) => fail(new HttpError(400, `could not read the request body: ${e.message}`)));
  });
}
