import { Tensor, type Engine } from '@purevit/core';
import type { AttentionImplementation } from '../layers/attention.js';
import { blockScratch, blockScratchLengths } from '../layers/block-scratch.js';
import { fitBatch, type RunState } from '../layers/run-state.js';
import type { TransformerBlock } from '../layers/transformer-block.js';

/** One forward of a ViT-style encoder (HF ViT and timm's VisionTransformer share it). */
export interface TransformerRun {
  /** For error messages. */
  what: string;
  engine: Engine;
  batch: number;
  tokens: number;
  dim: number;
  mlpDim: number;
  heads: number;
  blocks: readonly TransformerBlock[];
  /** Blocks to run (0 … layers-1). */
  layers: number;
  implementation: AttentionImplementation;
  /** [heads] mask of each block, or undefined. */
  headMasks?: readonly (Float32Array | undefined)[];
  /** Residual streams to return: -1 = the embedding output (after any pre-norm), i = after block i. */
  keepHidden?: ReadonlySet<number>;
  /** Return every block's attention probabilities (eager). */
  attentions?: boolean;
  /** Floats of embedding scratch per image (the gathered patches). */
  embedScratch: number;
  /** Writes the embeddings of images [b0, b0 + n) into `hidden` [n, tokens, dim]. */
  embed(b0: number, n: number, hidden: Float32Array, scratch: Float32Array): Promise<void>;
  /** The final norm, `out` may be `x` (null: none). */
  finalNorm: ((x: Float32Array, rows: number, out: Float32Array) => Promise<void>) | null;
}

export interface TransformerRunResult {
  /** The final-normed sequence [batch, tokens, dim]. */
  lastHiddenState: Tensor;
  /** The kept residual streams, each [batch, tokens, dim]. */
  hidden: Map<number, Tensor>;
  /** Each block's probabilities [batch, heads, tokens, tokens]; null unless asked. */
  attentions: Tensor[] | null;
}

/**
 * Embeddings, blocks, final norm, with every activation in the run state (reused across forwards). The
 * batch runs in as few chunks as the engine's memory allows (one, unless an unshared heap is too small);
 * images never interact, so chunking changes no bit. Outputs are copied out into fresh tensors.
 */
export async function runTransformer(state: RunState, run: TransformerRun): Promise<TransformerRunResult> {
  const { batch, tokens, dim, mlpDim, heads, layers } = run;
  const lengths = (images: number): Record<string, number> => ({
    hidden: images * tokens * dim,
    embed: images * run.embedScratch,
    ...blockScratchLengths(images * tokens, dim, mlpDim),
  });
  const chunk = fitBatch(batch, (images) => state.reserve(lengths(images)), run.what);
  const keep = run.keepHidden ?? new Set<number>();
  const hidden = new Map<number, Tensor>();
  for (const i of keep) hidden.set(i, Tensor.zeros([batch, tokens, dim]));
  const attentions = run.attentions ? Array.from({ length: layers }, () => Tensor.zeros([batch, heads, tokens, tokens])) : null;
  const lastHiddenState = Tensor.zeros([batch, tokens, dim]);
  const image = tokens * dim;

  for (let b0 = 0; b0 < batch; b0 += chunk) {
    const n = Math.min(chunk, batch - b0);
    const rows = n * tokens;
    const h = state.view('hidden', rows * dim);
    const scratch = blockScratch(state, rows, dim, mlpDim);
    const copyOut = (i: number): void => hidden.get(i)?.data.set(h, b0 * image);
    await run.embed(b0, n, h, state.view('embed', n * run.embedScratch));
    copyOut(-1);
    for (let i = 0; i < layers; i++) {
      const probs = attentions?.[i].data.subarray(b0 * heads * tokens * tokens, (b0 + n) * heads * tokens * tokens);
      await run.blocks[i].forward(h, n, tokens, scratch, { implementation: run.implementation, headMask: run.headMasks?.[i], probs });
      copyOut(i);
    }
    if (run.finalNorm) {
      await run.finalNorm(h, rows, scratch.normed);
      lastHiddenState.data.set(scratch.normed, b0 * image);
    } else {
      lastHiddenState.data.set(h, b0 * image);
    }
  }
  return { lastHiddenState, hidden, attentions };
}
