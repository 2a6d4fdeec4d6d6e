/**
 * Where the [CLS] token looks, from a ViT's attention probabilities (each layer [heads, tokens,
 * tokens] for one image, rows summing to 1): the last layer's attention, or attention rollout
 * (Abnar & Zuidema 2020, "Quantifying Attention Flow in Transformers"), which follows attention
 * through every layer and the residual connections.
 */

/** Head-averaged attention of one layer [tokens, tokens] from its probabilities [heads, tokens, tokens]. */
function meanOverHeads(attention: Float32Array, heads: number, tokens: number): Float64Array {
  checkLayer(attention, heads, tokens);
  const mean = new Float64Array(tokens * tokens); // [tokens, tokens]
  for (let h = 0; h < heads; h++) {
    const base = h * tokens * tokens;
    for (let i = 0; i < tokens * tokens; i++) mean[i] += attention[base + i];
  }
  for (let i = 0; i < mean.length; i++) mean[i] /= heads;
  return mean;
}

function checkLayer(attention: Float32Array, heads: number, tokens: number): void {
  if (attention.length !== heads * tokens * tokens) {
    throw new RangeError(`attention: expected [${heads}, ${tokens}, ${tokens}] = ${heads * tokens * tokens} values, got ${attention.length}`);
  }
}

/** The head-averaged attention of query 0 ([CLS]) to the tokens from `prefix` on: [tokens - prefix]. */
export function clsAttention(attention: Float32Array, heads: number, tokens: number, prefix = 1): Float32Array {
  checkLayer(attention, heads, tokens);
  const out = new Float32Array(tokens - prefix); // [patches]
  for (let j = prefix; j < tokens; j++) {
    let sum = 0;
    for (let h = 0; h < heads; h++) sum += attention[h * tokens * tokens + j];
    out[j - prefix] = sum / heads;
  }
  return out;
}

/**
 * Attention rollout: per layer Â = rownorm(mean_heads(A) + I) (the identity stands for the residual
 * path), R = Â_L · … · Â_1; returns row 0 ([CLS]) of R over the tokens from `prefix` on. Only that
 * row is needed, so it is carried down as a row vector: O(layers · tokens²), not tokens³.
 */
export function attentionRollout(attentions: readonly Float32Array[], heads: number, tokens: number, prefix = 1): Float32Array {
  if (attentions.length === 0) throw new RangeError('attentionRollout: no layers');
  let row = new Float64Array(tokens); // [tokens]  row 0 of Â_L · … · Â_l
  row[0] = 1;
  for (let l = attentions.length - 1; l >= 0; l--) {
    const a = meanOverHeads(attentions[l], heads, tokens); // [tokens, tokens]
    const next = new Float64Array(tokens);
    for (let i = 0; i < tokens; i++) {
      if (row[i] === 0) continue;
      let rowSum = 1; // the identity's contribution
      for (let j = 0; j < tokens; j++) rowSum += a[i * tokens + j];
      const w = row[i] / rowSum;
      for (let j = 0; j < tokens; j++) next[j] += w * a[i * tokens + j];
      next[i] += w;
    }
    row = next;
  }
  return Float32Array.from(row.subarray(prefix));
}
