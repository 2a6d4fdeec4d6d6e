/**
 * The row-wise ops on the 'wasm' backend — layerNorm, softmax and the elementwise activation — as emitted
 * SIMD kernels (emit-rows.ts, emit-gemm.ts's epilogue), split over the lanes by row ranges. Each row is
 * computed exactly as on one thread. Small inputs use fewer lanes: waking a worker costs tens of microseconds.
 */

import type { ActivationArgs } from '../../../ops/activation.js';
import type { LayerNormArgs } from '../../../ops/layer-norm.js';
import type { SoftmaxArgs } from '../../../ops/softmax.js';
import { activationId } from '../emit-gemm.js';
import { MIN_FLOATS_PER_LANE, rowLanes, splitRows, type Step, type WasmKernel } from '../plan.js';
import type { WasmArray } from '../wasm-array.js';
import { wasmActivation } from './linear.js';

export const layerNormKernel: WasmKernel<LayerNormArgs<WasmArray>> = {
  emit: (_mod, lib) => void lib.layerNorm(),
  plan(a, ctx) {
    const segments = a.segments ?? 1;
    const width = segments * a.dim;
    const ldx = a.ldx ?? width, ldo = a.ldo ?? width;
    if (a.rows === 0 || a.dim === 0) return [];
    const w = a.weight ? a.weight.ptr : 0, b = a.bias ? a.bias.ptr : 0;
    const tasks = rowLanes(ctx, a.rows, width).map(([r0, r1]) => ({
      kernel: 'layer_norm', args: [a.x.ptr + r0 * ldx * 4, ldx, a.out.ptr + r0 * ldo * 4, ldo, r1 - r0, segments, a.dim, w, b, a.eps],
    }));
    return [{ tasks }];
  },
};

export const softmaxKernel: WasmKernel<SoftmaxArgs<WasmArray>> = {
  emit: (_mod, lib) => void lib.softmax(),
  plan(a, ctx) {
    if (a.rows === 0 || a.cols === 0) return [];
    const tasks = rowLanes(ctx, a.rows, a.cols).map(([r0, r1]) => ({
      kernel: 'softmax', args: [a.x.ptr + r0 * a.cols * 4, r1 - r0, a.cols, a.out.ptr + r0 * a.cols * 4],
    }));
    return [{ tasks }];
  },
};

/** out = act(x): x copied to out (unless it is out), then the epilogue in place over element ranges. */
export const activationKernel: WasmKernel<ActivationArgs<WasmArray>> = {
  emit: (_mod, lib) => void lib.gemm(),
  plan(a, ctx) {
    const n = a.x.length;
    if (n === 0) return [];
    const act = activationId(wasmActivation(a.activation));
    const steps: Step[] = [];
    if (a.out.ptr !== a.x.ptr) steps.push({ host: () => a.out.data.set(a.x.data) });
    const tasks = splitRows(n, ctx.lanes, MIN_FLOATS_PER_LANE).map(([e0, e1]) => ({
      kernel: 'epilogue', args: [a.out.ptr + e0 * 4, e1 - e0, 1, e1 - e0, 0, 0, 0, act],
    }));
    steps.push({ tasks });
    return steps;
  },
};
