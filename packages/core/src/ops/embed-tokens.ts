/**
 * Op `embedTokens`: a ViT's input sequence from its patch embeddings — the prefix tokens (class, register)
 * first, then the patches, plus the position embeddings:
 *   out[b, i]          = prefix[i] (+ pos[i] when posIncludesPrefix)                 i < prefixCount
 *   out[b, prefix + p] = patches[b, p] + pos[(posIncludesPrefix ? prefixCount : 0) + p]
 * transformers' ViTEmbeddings (cat(cls, patches) + pos) and timm's _pos_embed (pos added before or, with
 * no_embed_class, after the prefix is concatenated: the same sums). Each sum is one float32 add.
 */

import { checkLength, checkPositive, checkSize } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface EmbedTokensArgs<A> {
  /** [batch, patchCount, dim]. */
  patches: A;
  /** [prefixCount, dim] (the same for every image), or null when prefixCount is 0. */
  prefix: A | null;
  /** [(posIncludesPrefix ? prefixCount : 0) + patchCount, dim], or null (no position embedding). */
  pos: A | null;
  posIncludesPrefix: boolean;
  /** [batch, prefixCount + patchCount, dim]; must not overlap the inputs. */
  out: A;
  batch: number;
  prefixCount: number;
  patchCount: number;
  dim: number;
}

export const embedTokens = declareOp({
  name: 'embedTokens',
  outputs: ['out'],
  check(a: EmbedTokensArgs<Sized>): void {
    checkSize('embedTokens', 'batch', a.batch);
    checkSize('embedTokens', 'prefixCount', a.prefixCount);
    checkSize('embedTokens', 'patchCount', a.patchCount);
    checkPositive('embedTokens', 'dim', a.dim);
    checkLength('embedTokens', 'patches', a.patches, a.batch * a.patchCount * a.dim);
    if (a.prefixCount > 0 && !a.prefix) throw new TypeError(`embedTokens: ${a.prefixCount} prefix tokens but no prefix array`);
    if (a.prefix) checkLength('embedTokens', 'prefix', a.prefix, a.prefixCount * a.dim);
    if (a.pos) checkLength('embedTokens', 'pos', a.pos, ((a.posIncludesPrefix ? a.prefixCount : 0) + a.patchCount) * a.dim);
    checkLength('embedTokens', 'out', a.out, a.batch * (a.prefixCount + a.patchCount) * a.dim);
  },
  reference(a: EmbedTokensArgs<Float32Array>): void {
    const { batch, prefixCount, patchCount, dim, pos } = a;
    const tokens = prefixCount + patchCount;
    const posPrefix = a.posIncludesPrefix ? prefixCount : 0;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < tokens; t++) {
        const o = (b * tokens + t) * dim;
        for (let j = 0; j < dim; j++) {
          let v: number;
          let p: number | null = null;
          if (t < prefixCount) {
            v = a.prefix![t * dim + j];
            if (pos && a.posIncludesPrefix) p = pos[t * dim + j];
          } else {
            v = a.patches[(b * patchCount + t - prefixCount) * dim + j];
            if (pos) p = pos[(posPrefix + t - prefixCount) * dim + j];
          }
          a.out[o + j] = p === null ? v : v + p;
        }
      }
    }
  },
});
