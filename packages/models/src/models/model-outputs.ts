import type { Tensor } from '@purevit/core';

/**
 * transformers' ModelOutput classes with camelCase fields. A field the call did not ask for is null
 * (transformers' None).
 */

/** BaseModelOutputWithPooling. */
export interface BaseModelOutputWithPooling {
  lastHiddenState: Tensor; // [batch, tokens, hidden]
  poolerOutput: Tensor | null; // [batch, poolerOutputSize]
  /** Embedding output, then each layer's output (num_hidden_layers + 1 entries), before the final norm. */
  hiddenStates: Tensor[] | null; // each [batch, tokens, hidden]
  attentions: Tensor[] | null; // each [batch, heads, tokens, tokens]
}

/** ImageClassifierOutput. */
export interface ImageClassifierOutput {
  loss: Tensor | null; // [] (0-d)
  logits: Tensor; // [batch, numLabels]
  hiddenStates: Tensor[] | null;
  attentions: Tensor[] | null;
}

/** MaskedImageModelingOutput. */
export interface MaskedImageModelingOutput {
  loss: Tensor | null; // [] (0-d)
  reconstruction: Tensor; // [batch, channels, height, width]
  hiddenStates: Tensor[] | null;
  attentions: Tensor[] | null;
}

/** What loading a checkpoint left over: as transformers' missing / unexpected key warnings. */
export interface LoadReport {
  /** Weights the model would use that the checkpoint lacks and the model did without (optional parts). */
  missingKeys: string[];
  /** Checkpoint keys the model never read. */
  unexpectedKeys: string[];
}
