import type { DeviceArray } from '@purevit/core';

/**
 * Host values given per image with a forward (transformers' bool_masked_pos, ViTMAE's kept-patch
 * indices): [batch, width], uploaded chunk by chunk into the run state under `name`.
 */
export interface PerImageInput {
  name: string;
  values: Float32Array; // [batch, width]
  width: number;
}

/** One chunk of images, as an embedding step sees it (everything in engine memory). */
export interface EmbedChunk {
  images: number;
  /** [images, channels, height, width] of the chunk. */
  shape: readonly [number, number, number, number];
  grid: readonly [number, number];
  interpolatePosEncoding: boolean;
  /** The chunk's pixels [images, channels, height, width]. */
  pixels: DeviceArray;
  /** The chunk's rows [images, width] of each per-image input, by name. */
  perImage: ReadonlyMap<string, DeviceArray>;
  /** The first `length` floats of run-state buffer `name` (one of the names `lengths` gave). */
  view(name: string, length: number): DeviceArray;
}

/**
 * The embedding step of a ViT-style encoder: pixels → the token sequence the first block reads
 * ([prefix tokens, patch tokens] + position embeddings, in each family's way). EncoderModel runs it
 * chunk by chunk; it only calls engine ops.
 */
export interface TokenEmbeddings {
  readonly dim: number;
  /** Tokens before the patch tokens ([CLS], distillation, registers). */
  readonly prefixTokens: number;
  /** The patch grid of an input (checking its size against the model and the interpolation flag). */
  grid(height: number, width: number, interpolatePosEncoding: boolean): [number, number];
  /** Sequence length for a grid. */
  tokens(grid: readonly [number, number]): number;
  /** Throws unless the model can replace masked patches (a mask token was loaded). */
  checkMaskable(): void;
  /** Run-state floats for `images` images of `shape` on `grid`, by buffer name. */
  lengths(images: number, shape: readonly [number, number, number, number], grid: readonly [number, number]): Record<string, number>;
  /** Writes the chunk's sequences into out [images·tokens, dim]. */
  forward(chunk: EmbedChunk, out: DeviceArray): void;
}
