/**
 * The PNG metadata PIL's `getexif()` consults for orientation: an eXIf chunk, ImageMagick's
 * "Raw profile type exif" text, or XMP ("XML:com.adobe.xmp" iTXt).
 */

import { exifOrientation, xmpOrientation } from '../exif.js';
import type { Chunk } from './chunks.js';
import { inflateZlib } from './inflate.js';

/** PIL's cap on decompressed text chunks (ImageFile.SAFEBLOCK). */
const MAX_TEXT = 1 << 20;

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

function inflateText(data: Uint8Array): Uint8Array | undefined {
  try {
    const { data: out, complete } = inflateZlib(data, MAX_TEXT + 1);
    return complete && out.length <= MAX_TEXT ? out : undefined;
  } catch {
    return undefined;
  }
}

/** tEXt / zTXt / iTXt → [keyword, text], or undefined when unreadable. */
function textChunk(chunk: Chunk): [string, string] | undefined {
  const d = chunk.data;
  const nul = d.indexOf(0);
  const key = latin1(nul < 0 ? d : d.subarray(0, nul));
  if (chunk.type === 'tEXt') return [key, nul < 0 ? '' : latin1(d.subarray(nul + 1))];
  if (nul < 0) return undefined;
  if (chunk.type === 'zTXt') {
    if (d[nul + 1] !== 0) return undefined;
    const text = inflateText(d.subarray(nul + 2));
    return text ? [key, latin1(text)] : undefined;
  }
  // iTXt: keyword\0 flag method language\0 translated\0 text
  const compressed = d[nul + 1] === 1;
  const lang = d.indexOf(0, nul + 3);
  const translated = lang < 0 ? -1 : d.indexOf(0, lang + 1);
  if (translated < 0) return undefined;
  let text: Uint8Array | undefined = d.subarray(translated + 1);
  if (compressed) text = d[nul + 2] === 0 ? inflateText(text) : undefined;
  if (!text) return undefined;
  try {
    return [key, new TextDecoder('utf-8', { fatal: true }).decode(text)];
  } catch {
    return undefined;
  }
}

function hexBytes(hex: string): Uint8Array | undefined {
  const clean = hex.replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) return undefined;
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.substr(i * 2, 2), 16);
  return out;
}

export function pngOrientation(chunks: readonly (Chunk & { beforeData: boolean })[]): number | undefined {
  const exifChunks = chunks.filter((c) => c.type === 'eXIf');
  // An eXIf before the image data is used as is; otherwise PIL loads the image and sees later ones.
  const exif = (exifChunks.filter((c) => c.beforeData).at(-1) ?? exifChunks.at(-1))?.data;
  const text = new Map<string, string>();
  for (const chunk of chunks) {
    if (chunk.type !== 'tEXt' && chunk.type !== 'zTXt' && chunk.type !== 'iTXt') continue;
    const kv = textChunk(chunk);
    if (kv) text.set(kv[0], kv[1]);
  }
  let orientation: number | undefined;
  if (exif) {
    orientation = exifOrientation(exif);
  } else {
    const raw = text.get('Raw profile type exif');
    // "\nexif\n    <length>\n<hex lines>": PIL joins the lines from the fourth on.
    const bytes = raw === undefined ? undefined : hexBytes(raw.split('\n').slice(3).join(''));
    if (bytes) orientation = exifOrientation(bytes);
  }
  if (orientation === undefined) {
    const xmp = text.get('XML:com.adobe.xmp');
    if (xmp !== undefined) orientation = xmpOrientation(xmp);
  }
  return orientation;
}
