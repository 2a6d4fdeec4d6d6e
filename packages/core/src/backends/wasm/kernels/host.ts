/**
 * Ops the 'wasm' backend runs as the 'js' backend's TypeScript kernels on the heap, on the calling thread:
 * data movement (gathers, copies, transposes) and small elementwise passes, which are memory-bound and run
 * between GEMMs. An explicit choice per op in register.ts, not a fallback.
 */

import type { OpArgs, OpName } from '../../../ops/index.js';
import { hostArgs } from '../../host/host-array.js';
import type { HostKernel } from '../../js/register.js';
import type { WasmKernel } from '../plan.js';
import type { WasmArray } from '../wasm-array.js';

export function onHost<K extends OpName>(kernel: HostKernel<K>): WasmKernel<OpArgs<WasmArray>[K]> {
  return {
    plan: (args) => [{ host: () => kernel(hostArgs(args) as OpArgs<Float32Array>[K]) }],
  };
}
