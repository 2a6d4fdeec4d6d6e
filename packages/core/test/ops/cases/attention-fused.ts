import { attentionArgs, attentionCase, attentionTolerance } from '../attention-case.js';
import { opCases } from '../harness.js';

export default opCases('attentionFused', {
  numRuns: 15,
  cases: attentionCase.map((c) => ({
    label: c.label,
    build: (p) => attentionArgs(c, p, p.array(c.qkv), p.zeros(c.shape.batch * c.shape.queryLen * c.width)),
    tolerance: attentionTolerance,
  })),
});
