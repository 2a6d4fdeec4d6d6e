import { openRepo } from '@purevit/weights/platform';
import type { ModelRepo } from '@purevit/weights';
import { readConfigJson } from './auto-config.js';
import { familyFor, resolveModelType, taskClass, type AutoLoadOptions, type AutoTask, type TaskModels } from './registry.js';

async function load<T extends AutoTask>(task: T, repo: ModelRepo, options: AutoLoadOptions): Promise<TaskModels[T]> {
  const dict = await readConfigJson(repo);
  const family = familyFor(resolveModelType(dict));
  return taskClass(family, task).fromRepo(repo, family.configFromDict(dict), options);
}

/** transformers' AutoModel: the bare backbone of the family named by config.json (ViTModel for "vit"). */
export class AutoModel {
  static async fromPretrained(idOrPath: string, options: AutoLoadOptions = {}): Promise<TaskModels['model']> {
    return load('model', await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: AutoLoadOptions = {}): Promise<TaskModels['model']> {
    return load('model', repo, options);
  }
}

/** transformers' AutoModelForImageClassification (ViTForImageClassification for "vit"). */
export class AutoModelForImageClassification {
  static async fromPretrained(idOrPath: string, options: AutoLoadOptions = {}): Promise<TaskModels['image-classification']> {
    return load('image-classification', await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: AutoLoadOptions = {}): Promise<TaskModels['image-classification']> {
    return load('image-classification', repo, options);
  }
}

/** transformers' AutoModelForMaskedImageModeling (ViTForMaskedImageModeling for "vit"). */
export class AutoModelForMaskedImageModeling {
  static async fromPretrained(idOrPath: string, options: AutoLoadOptions = {}): Promise<TaskModels['masked-image-modeling']> {
    return load('masked-image-modeling', await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: AutoLoadOptions = {}): Promise<TaskModels['masked-image-modeling']> {
    return load('masked-image-modeling', repo, options);
  }
}

/** transformers' AutoModelForPreTraining (ViTMAEForPreTraining for "vit_mae"). */
export class AutoModelForPreTraining {
  static async fromPretrained(idOrPath: string, options: AutoLoadOptions = {}): Promise<TaskModels['pre-training']> {
    return load('pre-training', await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: AutoLoadOptions = {}): Promise<TaskModels['pre-training']> {
    return load('pre-training', repo, options);
  }
}
