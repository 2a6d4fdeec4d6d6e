import type { OpenRepoOptions } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { ImageError } from '../errors.js';

/** preprocessor_config.json of a model folder or hub id (`options` go to `openRepo`); an error names the repo when it has none. */
export async function readPreprocessorConfig(idOrPath: string, options: OpenRepoOptions = {}): Promise<unknown> {
  const repo = await openRepo(idOrPath, options);
  if (!(await repo.exists('preprocessor_config.json'))) throw new ImageError('invalid_input', `${idOrPath} has no preprocessor_config.json`);
  return repo.readJson('preprocessor_config.json');
}
