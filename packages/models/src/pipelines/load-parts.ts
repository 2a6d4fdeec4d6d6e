import { AutoImageProcessor } from '../auto/auto-image-processor.js';
import type { AnyImageProcessor } from '../auto/image-processors.js';
import type { ModelRepo } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { AutoConfig } from '../auto/auto-config.js';
import type { AutoLoadOptions } from '../auto/registry.js';
import { openDefaultModel } from './default-model.js';
import { checkProcessorFitsModel } from './input-size-check.js';
import type { PipelineOptions } from './pipeline-options.js';

export interface PipelineParts {
  repo: ModelRepo;
  processor: AnyImageProcessor;
  /** What the Auto class gets: the load options plus modelOptions. */
  modelOptions: AutoLoadOptions;
}

/**
 * Opens the model folder or hub id once (so config, preprocessing config and weights come from one
 * snapshot, with the caller's revision, cache and token), checks that config.json names a supported
 * model before any weight is read, and builds the image processor as AutoImageProcessor chooses it,
 * checking that it produces the input size the model takes.
 */
export async function loadPipelineParts(model: string | URL | undefined, options: PipelineOptions): Promise<PipelineParts> {
  const { batchSize: _batchSize, modelOptions, ...loadOptions } = options;
  const repo = model === undefined ? await openDefaultModel() : await openRepo(String(model), loadOptions);
  const config = await AutoConfig.fromRepo(repo);
  const preprocessor = (await repo.exists('preprocessor_config.json')) ? await repo.readJson('preprocessor_config.json') : undefined;
  const processor = AutoImageProcessor.fromConfig(preprocessor, await repo.readJson('config.json'), repo.id);
  checkProcessorFitsModel(processor, config, repo.id);
  return { repo, processor, modelOptions: { ...modelOptions, ...loadOptions } };
}
