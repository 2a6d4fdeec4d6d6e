/** Elementwise maps with broadcasting over up to 4 dimensions (wgsl/elementwise.ts). */

import type { ActivationKind } from '../../../ops/activation-name.js';
import type { GpuArray } from '../gpu-array.js';
import type { CommandRecorder } from '../recorder.js';
import { bindStorage, type StorageArg } from '../wgsl/bindings.js';
import { COMBINE_ARITY, ELEMENTWISE_THREADS, elementwiseParams, elementwiseShader, type CombineOp } from '../wgsl/elementwise.js';
import { grid } from '../wgsl/grid.js';

/** An operand: element (i0, i1, i2, i3) at array[Σ i·strides] (offset of the view included). */
export interface StridedView {
  array: GpuArray;
  /** Strides for the (right-aligned) dimensions; 0 broadcasts. Default: dense over `shape`. */
  strides?: readonly number[];
}

/** Dense strides of a shape. */
export function denseStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** out(i) = act(op(inputs(i))) over `shape` (at most 4 dimensions). `out` may be an input with the same strides. */
export function recordElementwise(
  rec: CommandRecorder, op: CombineOp, shape: readonly number[], out: StridedView, inputs: readonly StridedView[], activation: ActivationKind | null = null,
): void {
  if (shape.length > 4) throw new RangeError(`elementwise: at most 4 dimensions, got [${shape.join(',')}]`);
  if (inputs.length !== COMBINE_ARITY[op]) throw new RangeError(`elementwise ${op}: ${COMBINE_ARITY[op]} inputs expected, got ${inputs.length}`);
  const count = shape.reduce((a, b) => a * b, 1);
  if (count === 0) return;
  const dims = [...new Array<number>(4 - shape.length).fill(1), ...shape];
  const views: Array<[string, StridedView]> = [['out', out], ...inputs.map((v, i): [string, StridedView] => ['abc'[i], v])];
  const params: Record<string, number> = { count, d1: dims[1], d2: dims[2], d3: dims[3] };
  const args: StorageArg[] = [];
  for (const [name, view] of views) {
    const given = view.strides ?? denseStrides(shape);
    if (given.length !== shape.length) throw new RangeError(`elementwise: ${name} has ${given.length} strides for ${shape.length} dimensions`);
    const strides = [...new Array<number>(4 - given.length).fill(0), ...given];
    let last = 0;
    for (let d = 0; d < 4; d++) {
      if (!Number.isSafeInteger(strides[d]) || strides[d] < 0) throw new RangeError(`elementwise: ${name} stride ${strides[d]} must be a non-negative integer`);
      last += (dims[d] - 1) * strides[d];
    }
    if (last >= view.array.length) throw new RangeError(`elementwise: ${name} addresses element ${last} of a view of ${view.array.length}`);
    params[`${name}Off`] = view.array.offset;
    strides.forEach((s, d) => (params[`${name}S${d}`] = s));
    args.push({ name, array: view.array, write: name === 'out' });
  }
  const storage = bindStorage(args);
  const config = { op, activation: activation === 'identity' ? null : activation };
  const g = grid(count, ELEMENTWISE_THREADS);
  params.gridX = g[0];
  rec.dispatch(`elementwise ${op}`, elementwiseShader(config, storage.vars, storage.declarations), storage, elementwiseParams(config), params, g);
}
