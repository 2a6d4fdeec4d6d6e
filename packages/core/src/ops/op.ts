/**
 * What declaring an op means. Each op has ONE file in this folder with its argument type (generic over the
 * array type A: `Float32Array` for the reference, an engine's `DeviceArray` for models), its argument and
 * shape checks, and its reference implementation in plain TypeScript over Float32Arrays: the truth every
 * backend is tested against. ops/index.ts lists them all (the registry); each backend registers one
 * implementation per op in a table of its own (backends/<name>/register.ts).
 */


export type { Sized } from './check.js';

export interface OpDeclaration<CheckArgs, ReferenceArgs> {
  /** The op's name in the registry (`engine.ops[name]`). */
  readonly name: string;
  /** The argument fields the op writes (everything else is only read). Conformance tests compare these. */
  readonly outputs: readonly string[];
  /**
   * Argument and shape checks, run at the call before anything is enqueued; throws a RangeError or
   * TypeError naming the op and the argument. Arrays are only asked for their length.
   */
  check(args: CheckArgs): void;
  /** The reference implementation: naive loops (float64 sums), the ground truth for every backend. */
  reference(args: ReferenceArgs): void;
}

/** Declares an op (identity at run time; infers and checks the declaration's types). */
export function declareOp<CheckArgs, ReferenceArgs>(op: OpDeclaration<CheckArgs, ReferenceArgs>): OpDeclaration<CheckArgs, ReferenceArgs> {
  return op;
}
