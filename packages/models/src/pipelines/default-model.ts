/**
 * The bundled demo model (fashion-vit-tiny: a 6-layer ViT trained on Fashion-MNIST), the default of every
 * pipeline so that a fresh install works offline. It ships as its own package, @purevit/fashion-vit-tiny,
 * which finds its files next to itself: in node_modules, or as a bundler's assets in a web page.
 */

import { MODEL_NAME, modelFiles, modelFolder } from '@purevit/fashion-vit-tiny';
import { memoryRepo, type ModelRepo } from '@purevit/weights';
import { readBytes } from '@purevit/weights/platform';

/**
 * The bundled model's folder where packages are installed as files (Node, Deno, Bun), e.g. for the CLI;
 * a bundled page has no such folder (pipelines read the model's files one by one instead).
 */
export const DEFAULT_MODEL: URL = modelFolder;

/** What the bundled model is called in messages and the CLI's output. */
export const DEFAULT_MODEL_NAME: string = MODEL_NAME;

/** The bundled model as a repo: its files (1.8 MB) read from their URLs, file: in Node, the bundle's assets in a page. */
export async function openDefaultModel(): Promise<ModelRepo> {
  const files = await Promise.all(Object.entries(modelFiles).map(async ([name, url]) => [name, await readBytes(url.href)] as const));
  return memoryRepo(Object.fromEntries(files), MODEL_NAME);
}
