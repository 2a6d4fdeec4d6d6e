/** A ModelRepo over a local folder (a checkpoint directory or a hub-cache snapshot). */

import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelRepo } from '../repo.js';
import { validateFilename } from '../hub/validate.js';
import { fileSource } from './file-source.js';

export function localRepo(dir: string, id = dir): ModelRepo {
  const path = (file: string): string => {
    validateFilename(file);
    return join(dir, ...file.split('/'));
  };
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
    readText: async (file) => readFile(path(file), 'utf8'),
    readJson: async <T>(file: string) => parseJson<T>(await readFile(path(file), 'utf8'), `${id}/${file}`),
    open: async (file) => fileSource(path(file)),
  };
}

export function parseJson<T>(text: string, where: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${where} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
}
