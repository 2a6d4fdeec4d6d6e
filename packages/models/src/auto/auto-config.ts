import { openRepo } from '@purevit/weights/platform';
import { ConfigError, type ModelRepo, type OpenRepoOptions } from '@purevit/weights';
import { isJsonObject, type JsonObject, type PretrainedConfig } from '../configs/pretrained-config.js';
import { familyFor, resolveModelType } from './registry.js';

/** transformers' AutoConfig: the config class chosen by config.json's model_type. */
export class AutoConfig {
  static async fromPretrained(idOrPath: string, options: OpenRepoOptions = {}): Promise<PretrainedConfig> {
    return AutoConfig.fromRepo(await openRepo(idOrPath, options));
  }

  static async fromRepo(repo: ModelRepo): Promise<PretrainedConfig> {
    return AutoConfig.fromDict(await readConfigJson(repo));
  }

  static fromDict(dict: JsonObject): PretrainedConfig {
    return familyFor(resolveModelType(dict)).configFromDict(dict);
  }
}

export async function readConfigJson(repo: ModelRepo): Promise<JsonObject> {
  if (!(await repo.exists('config.json'))) throw new ConfigError('missing', `${repo.id} has no config.json`);
  const dict = await repo.readJson<unknown>('config.json');
  if (!isJsonObject(dict)) throw new ConfigError('invalid_json', `${repo.id}/config.json is not a JSON object`);
  return dict;
}
