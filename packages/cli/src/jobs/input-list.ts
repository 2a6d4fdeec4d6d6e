/**
 * The input list of a command: image paths and URLs as given, folders (every PNG/JPEG below them),
 * quoted globs, and manifest files (one path or URL per line; blank lines and #-comments skipped).
 * The list is deterministic — folders and globs sorted, duplicates dropped (first kept) — so every
 * shard of a job, and every restart, sees the same list.
 */

import { readFile, stat } from 'node:fs/promises';
import { expandGlob, isGlob, walkFiles } from './glob.js';

const IMAGE_FILE = /\.(png|jpe?g)$/i;
const URL_INPUT = /^(https?|data|file):/i;

export async function readManifest(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`manifest ${path}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  });
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

async function expandOne(arg: string): Promise<string[]> {
  if (URL_INPUT.test(arg)) return [arg];
  const info = await stat(arg).catch(() => null);
  if (info?.isFile()) return [arg];
  if (info?.isDirectory()) {
    const images = (await walkFiles(arg)).filter((f) => IMAGE_FILE.test(f));
    if (images.length === 0) throw new Error(`${arg}: no PNG or JPEG images in this folder`);
    return images;
  }
  if (info) throw new Error(`${arg}: not a file`);
  if (isGlob(arg)) {
    const matches = (await expandGlob(arg)).filter((f) => IMAGE_FILE.test(f));
    if (matches.length === 0) throw new Error(`${arg}: no PNG or JPEG images match this pattern`);
    return matches;
  }
  throw new Error(`${arg}: no such file`);
}

/** Positional arguments expanded, then the manifests' lines (taken as given: each one's errors are reported per input). */
export async function inputList(args: readonly string[], manifests: readonly string[] = []): Promise<string[]> {
  const all: string[] = [];
  for (const arg of args) all.push(...(await expandOne(arg)));
  for (const manifest of manifests) all.push(...(await readManifest(manifest)));
  return [...new Set(all)];
}
