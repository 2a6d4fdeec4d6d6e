/**
 * Elementwise maps over up to four dimensions with broadcasting by strides: out(i) = act(f(a(i), b(i), c(i)))
 * where every operand (the output too) has its own offset and four strides (0 broadcasts). One builder covers
 * activations, broadcast add / multiply (position embeddings, SE gating), scaled residuals (LayerScale:
 * a + b·c), and strided copies (transposes, token concatenation, layout changes).
 */

import type { ActivationKind } from '../../../ops/activation-name.js';
import { GROUP_INDEX } from './grid.js';
import { activationFunction, mathFor } from './math.js';
import { ParamsLayout, type ParamType } from './params.js';

/** How the inputs combine: 1 input ('copy'), 2 ('add' … 'min'), or 3 ('muladd': a + b·c). */
export type CombineOp = 'copy' | 'add' | 'sub' | 'mul' | 'div' | 'max' | 'min' | 'muladd';

export const COMBINE_ARITY: Readonly<Record<CombineOp, number>> = { copy: 1, add: 2, sub: 2, mul: 2, div: 2, max: 2, min: 2, muladd: 3 };

export const ELEMENTWISE_THREADS = 256;

export interface ElementwiseShaderConfig {
  op: CombineOp;
  activation: ActivationKind | null;
}

const OPERANDS = ['a', 'b', 'c'] as const;

export function elementwiseParams(c: ElementwiseShaderConfig): ParamsLayout {
  const fields: Array<readonly [string, ParamType]> = [['count', 'u32'], ['gridX', 'u32'], ['d1', 'u32'], ['d2', 'u32'], ['d3', 'u32']];
  for (const name of ['out', ...OPERANDS.slice(0, COMBINE_ARITY[c.op])]) {
    fields.push([`${name}Off`, 'u32'], [`${name}S0`, 'u32'], [`${name}S1`, 'u32'], [`${name}S2`, 'u32'], [`${name}S3`, 'u32']);
  }
  return new ParamsLayout(fields);
}

function combine(op: CombineOp): string {
  switch (op) {
    case 'copy': return 'va';
    case 'add': return 'va + vb';
    case 'sub': return 'va - vb';
    case 'mul': return 'va * vb';
    case 'div': return 'va / vb';
    case 'max': return 'max(va, vb)';
    case 'min': return 'min(va, vb)';
    case 'muladd': return 'va + vb * vc';
  }
}

export function elementwiseShader(c: ElementwiseShaderConfig, vars: Readonly<Record<string, string>>, declarations: string): string {
  const bindings = (declarations.match(/@binding/g) ?? []).length;
  const at = (name: string) => `p.${name}Off + i0 * p.${name}S0 + i1 * p.${name}S1 + i2 * p.${name}S2 + i3 * p.${name}S3`;
  const loads = OPERANDS.slice(0, COMBINE_ARITY[c.op]).map((n) => `  let v${n} = ${vars[n]}[${at(n)}];`).join('\n');
  return `${declarations}${elementwiseParams(c).declaration(bindings)}
${mathFor(c.activation ? [c.activation] : [])}${activationFunction(c.activation)}
@compute @workgroup_size(${ELEMENTWISE_THREADS})
fn main(@builtin(workgroup_id) wg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let idx = (${GROUP_INDEX}) * ${ELEMENTWISE_THREADS}u + lid.x;
  if (idx >= p.count) { return; }
  let i3 = idx % p.d3;
  let r2 = idx / p.d3;
  let i2 = r2 % p.d2;
  let r1 = r2 / p.d2;
  let i1 = r1 % p.d1;
  let i0 = r1 / p.d1;
${loads}
  ${vars.out}[${at('out')}] = act(${combine(c.op)});
}
`;
}
