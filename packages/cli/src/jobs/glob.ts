/**
 * Shell-style globs for input lists too long for a command line (quote them so the shell leaves
 * them alone): `*` and `?` within one path segment, `**` across segments, `[abc]` / `[!abc]`
 * classes. Matches are files, sorted, relative to the pattern's fixed leading folders.
 */

import { readdir, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';

export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

export function globToRegExp(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        const slash = pattern[i + 2] === '/';
        out += slash ? '(?:[^/]*/)*' : '.*';
        i += slash ? 2 : 1;
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) {
        out += '\\[';
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      out += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else {
      out += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${out}$`);
}

/** Every file under `dir` (symbolic links followed), as paths joined onto `dir`. */
export async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      const kind = entry.isSymbolicLink() ? await stat(path).catch(() => null) : entry;
      if (kind?.isDirectory()) pending.push(path);
      else if (kind?.isFile()) out.push(path);
    }
  }
  return out.sort();
}

/** Files matching `pattern`, sorted, spelled as the pattern is (normalized: no "./", no "a/../"). */
export async function expandGlob(pattern: string): Promise<string[]> {
  const normalized = posix.normalize(pattern.replace(/\\/g, '/'));
  const segments = normalized.split('/');
  const base = segments.slice(0, segments.findIndex(isGlob)).join('/') || (normalized.startsWith('/') ? '/' : '.');
  const info = await stat(base).catch(() => null);
  if (!info?.isDirectory()) return [];
  const matcher = globToRegExp(normalized);
  return (await walkFiles(base)).filter((f) => matcher.test(f.replace(/\\/g, '/')));
}
