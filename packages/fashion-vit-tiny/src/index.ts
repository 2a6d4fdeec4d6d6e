/**
 * fashion-vit-tiny, the demo model purevit's pipelines use when given none: a 6-layer ViT trained on
 * Fashion-MNIST (459,466 parameters, float32 safetensors, 1.8 MB; see model/README.md). Its files are found
 * next to this module with `new URL(…, import.meta.url)`: in Node (and Deno, Bun) they are the package's own
 * files wherever it is installed; bundlers (Vite, webpack, Parcel, Rollup with its URL plugin) copy each
 * file into the build as an asset and rewrite the URL to it.
 *
 * Float32, not float16: float16 weights move the logits by up to 2.1e-3 on the bundled samples, 53 times
 * the golden tolerance against PyTorch (8 × 4.4e-6 + 1e-6), so the smaller file would not give PyTorch's numbers.
 */

/** The name the CLI shows for it. */
export const MODEL_NAME = '@purevit/fashion-vit-tiny';

/** Each file of the model, by its name in a Hugging Face model folder. One `new URL` per file, so bundlers see each. */
export const modelFiles: Readonly<Record<'config.json' | 'preprocessor_config.json' | 'model.safetensors', URL>> = {
  'config.json': new URL('../model/config.json', import.meta.url),
  'preprocessor_config.json': new URL('../model/preprocessor_config.json', import.meta.url),
  'model.safetensors': new URL('../model/model.safetensors', import.meta.url),
};

/**
 * The folder that holds them where the package is installed as files (Node, Deno, Bun): a local model
 * folder for anything that takes one. A bundle has no such folder (bundlers leave this URL alone): use `modelFiles`.
 */
export const modelFolder: URL = new URL(/* @vite-ignore */ /* webpackIgnore: true */ '../model/', import.meta.url);
