/**
 * The bundled demo model (models/fashion-vit-tiny: a 6-layer ViT trained on Fashion-MNIST), the
 * default of every pipeline so that a fresh checkout works offline. Located relative to this module:
 * src/pipelines/ and dist/pipelines/ sit at the same depth below the repository root.
 */

// A folder, not an asset: bundlers must leave the URL alone (web pages pass their own model URL).
export const DEFAULT_MODEL: URL = new URL(/* @vite-ignore */ '../../../../models/fashion-vit-tiny/', import.meta.url);
