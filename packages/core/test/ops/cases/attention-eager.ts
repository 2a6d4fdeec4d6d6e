import fc from 'fast-check';
import { attentionArgs, attentionCase, attentionTolerance } from '../attention-case.js';
import { opCases } from '../harness.js';

/** With and without a head mask and returned probabilities. */
export default opCases('attentionEager', {
  numRuns: 15,
  cases: fc.tuple(attentionCase, fc.boolean(), fc.boolean()).map(([c, mask, probs]) => ({
    label: `${c.label} mask=${mask} probs=${probs}`,
    build: (p) => ({
      ...attentionArgs(c, p, p.array(c.qkv), p.zeros(c.shape.batch * c.shape.queryLen * c.width)),
      headMask: mask ? p.array(c.headMask) : null,
      probs: probs ? p.zeros(c.shape.batch * c.shape.heads * c.shape.queryLen * c.shape.keyLen) : null,
    }),
    tolerance: attentionTolerance,
  })),
});
