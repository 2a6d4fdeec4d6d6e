/**
 * Images as requests carry them (raw bytes, or base64 text in JSON), decoded with the server's
 * pixel limit: a decompression bomb (a small file declaring a huge image) is refused from its
 * header before any pixel memory is allocated. Each failure is an HttpError naming the problem.
 */

import { ImageError, decodeImage, type RgbImage } from '@purevit/image';
import { HttpError } from './http-error.js';

const STATUS_OF_IMAGE_ERROR: Record<string, number> = {
  unknown_format: 415,
  unsupported: 415,
  too_large: 413,
};

/** Decodes one image of a request; `what` names it in errors ("image 2 of the request"). */
export function decodeRequestImage(bytes: Uint8Array, maxPixels: number, what: string): RgbImage {
  if (bytes.length === 0) throw new HttpError(400, `${what} is empty`);
  try {
    return decodeImage(bytes, { maxPixels });
  } catch (e) {
    if (e instanceof ImageError) throw new HttpError(STATUS_OF_IMAGE_ERROR[e.code] ?? 400, `${what}: ${e.message}`, { cause: e });
    // Decoders throw plain errors on some malformed streams: still the client's bytes, not our fault.
    throw new HttpError(400, `${what}: cannot decode: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/**
 * Strict base64 (standard or URL-safe alphabet; whitespace ignored) or a `data:...;base64,` URL.
 * Node's decoder skips invalid characters silently, which would turn a file path or a URL into
 * garbage bytes and a confusing "not an image" error.
 */
export function decodeBase64Image(text: string, what: string): Uint8Array {
  let payload = text;
  if (/^data:/i.test(payload)) {
    const comma = payload.indexOf(',');
    if (comma < 0 || !/;base64$/i.test(payload.slice(0, comma))) throw new HttpError(400, `${what}: a data: URL must be base64 (data:<type>;base64,<data>)`);
    payload = payload.slice(comma + 1);
  }
  payload = payload.replace(/\s+/g, '');
  if (payload.length % 4 === 1 || !(BASE64.test(payload) || BASE64URL.test(payload))) {
    const hint = /^(https?:|file:|\/|\.)/i.test(text) ? ' (URLs and paths are not fetched: send the image itself)' : '';
    throw new HttpError(400, `${what} must be a base64-encoded image${hint}`);
  }
  const bytes = Buffer.from(payload, BASE64.test(payload) ? 'base64' : 'base64url');
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
