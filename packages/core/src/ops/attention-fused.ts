/**
 * Op `attentionFused`: softmax(q·kᵀ·scale)·v computed with an online softmax over key blocks (flash
 * attention): memory linear in the sequence, the probabilities never materialised. See attention-args.ts.
 */

import { attentionReference, checkAttentionArgs, type AttentionArgs } from './attention-args.js';
import { declareOp, type Sized } from './op.js';

export type AttentionFusedArgs<A> = AttentionArgs<A>;

export const attentionFused = declareOp({
  name: 'attentionFused',
  outputs: ['out'],
  check(a: AttentionFusedArgs<Sized>): void {
    checkAttentionArgs('attentionFused', a);
  },
  reference(a: AttentionFusedArgs<Float32Array>): void {
    attentionReference(a, null, null);
  },
});
