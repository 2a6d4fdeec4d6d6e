import type { DeviceArray, Engine } from '@purevit/core';
import type { AttentionImplementation } from '../layers/attention.js';
import { blockScratch, blockScratchLengths } from '../layers/block-scratch.js';
import { fitBatch, type RunState } from '../layers/run-state.js';
import type { TransformerBlock } from '../layers/transformer-block.js';

/** One forward of a ViT-style encoder (HF ViT and timm's VisionTransformer share it), all in engine memory. */
export interface TransformerRun {
  /** For error messages. */
  what: string;
  engine: Engine;
  state: RunState;
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
  headMasks?: readonly (DeviceArray | undefined)[];
  /** [heads, tokens, tokens] added to each block's attention scores (BEiT's relative position bias), or undefined. */
  biases?: readonly (DeviceArray | undefined)[];
  /** Run-state buffers the embedding needs for `images` images (floats by name). */
  embedLengths(images: number): Record<string, number>;
  /** Writes the embeddings of images [b0, b0 + n) into `hidden` [n·tokens, dim] (run-state views by embedLengths' names). */
  embed(b0: number, n: number, hidden: DeviceArray): void;
  /** The final norm, `out` may be `x` (null: none). */
  finalNorm: ((x: DeviceArray, rows: number, out: DeviceArray) => void) | null;
  /** Residual streams to keep, each into its [batch·tokens·dim] output: -1 = the embedding output, i = after block i. */
  hidden?: ReadonlyMap<number, DeviceArray>;
  /** Each block's probabilities, into [batch·heads·tokens·tokens] outputs (eager attention). */
  attentions?: readonly DeviceArray[] | null;
  /** The final-normed sequence, into a [batch·tokens·dim] output. */
  final?: DeviceArray | null;
  /** Runs on each chunk's final-normed sequence [n·tokens, dim] (a head writing its own outputs). */
  head?: (b0: number, n: number, sequence: DeviceArray) => void;
}

/**
 * Embeddings, blocks, final norm, with every activation in the run state (reused across forwards), the
 * wanted results copied into the caller's outputs. The batch runs in as few chunks as the engine's memory
 * allows (one, unless an unshared heap is too small); images never interact, so chunking changes no bit.
 */
export async function runTransformer(run: TransformerRun): Promise<void> {
  const { state, batch, tokens, dim, mlpDim, heads, layers, engine } = run;
  const lengths = (images: number): Record<string, number> => ({
    hidden: images * tokens * dim,
    ...run.embedLengths(images),
    ...blockScratchLengths(images * tokens, dim, mlpDim),
  });
  const chunk = await fitBatch(batch, (images) => state.reserve(lengths(images)), run.what);
  const image = tokens * dim;
  for (let b0 = 0; b0 < batch; b0 += chunk) {
    const n = Math.min(chunk, batch - b0);
    const rows = n * tokens;
    const h = state.view('hidden', rows * dim);
    const scratch = blockScratch(state, rows, dim, mlpDim);
    const keep = (i: number): void => {
      const out = run.hidden?.get(i);
      if (out) engine.ops.copyRows({ x: h, out: out.view(b0 * image, n * image), rows: 1, cols: n * image });
    };
    run.embed(b0, n, h);
    keep(-1);
    for (let i = 0; i < layers; i++) {
      const unit = heads * tokens * tokens;
      const probs = run.attentions?.[i]?.view(b0 * unit, n * unit);
      run.blocks[i].forward(h, n, tokens, scratch, { implementation: run.implementation, headMask: run.headMasks?.[i], bias: run.biases?.[i], probs });
      keep(i);
    }
    const sequence = run.finalNorm ? scratch.normed : h;
    run.finalNorm?.(h, rows, scratch.normed);
    if (run.final) engine.ops.copyRows({ x: sequence, out: run.final.view(b0 * image, n * image), rows: 1, cols: n * image });
    run.head?.(b0, n, sequence);
  }
}
