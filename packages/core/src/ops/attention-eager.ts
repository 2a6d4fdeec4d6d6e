/**
 * Op `attentionEager`: softmax(q·kᵀ·scale)·v with the probabilities materialised per head, as transformers'
 * eager path: they can be multiplied by a head mask and returned. See attention-args.ts.
 */

import { attentionReference, checkAttentionArgs, type AttentionArgs } from './attention-args.js';
import { checkLength } from './check.js';
import { declareOp, type Sized } from './op.js';

export interface AttentionEagerArgs<A> extends AttentionArgs<A> {
  /** [heads]: multiplies each head's probabilities after the softmax (transformers' head_mask). */
  headMask?: A | null;
  /** [batch, heads, queryLen, keyLen]: receives the probabilities, after the head mask. */
  probs?: A | null;
}

export const attentionEager = declareOp({
  name: 'attentionEager',
  outputs: ['out', 'probs'],
  check(a: AttentionEagerArgs<Sized>): void {
    checkAttentionArgs('attentionEager', a);
    if (a.headMask) checkLength('attentionEager', 'headMask', a.headMask, a.heads);
    if (a.probs) checkLength('attentionEager', 'probs', a.probs, a.batch * a.heads * a.queryLen * a.keyLen);
  },
  reference(a: AttentionEagerArgs<Float32Array>): void {
    attentionReference(a, a.headMask ?? null, a.probs ?? null);
  },
});
