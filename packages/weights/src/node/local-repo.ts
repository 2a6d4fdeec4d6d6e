/** A ModelRepo over a local folder (a checkpoint directory or a hub-cache snapshot). */

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelRepo } from '../repo.js';
import { validateFilename } from '../hub/validate.js';
import { checkConfigSize, MAX_CONFIG_BYTES, parseConfigJson } from '../limits/config-bounds.js';
import { fileSource } from './file-source.js';

export function localRepo(dir: string, id = dir): ModelRepo {
  const path = (file: string): string => {
    validateFilename(file);
    return join(dir, ...file.split('/'));
  };
  const readText = async (file: string): Promise<string> => readConfigText(path(file), `${id}/${file}`);
  return {
    id,
    async exists(file) {
      try {
        return (await stat(path(file))).isFile();
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
        throw e;
      }
    },
    readText,
    readJson: async <T>(file: string) => parseConfigJson(await readText(file), `${id}/${file}`) as T,
    open: async (file) => fileSource(path(file)),
  };
}

/** A config-sized text file: over MAX_CONFIG_BYTES it is refused from its size, unread. */
export async function readConfigText(path: string, what: string, maxBytes = MAX_CONFIG_BYTES): Promise<string> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${what} is not a regular file`);
  checkConfigSize(info.size, what, maxBytes);
  return readFile(path, 'utf8');
}
