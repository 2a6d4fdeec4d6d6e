/**
 * Ops `linear` on the 'wasm' backend: the emitted SIMD GEMM (emit-gemm.ts) over B packed in panels of nr
 * columns, with the epilogue fused (bias → activation → residual). The output is cut into disjoint blocks,
 * one per lane: by B panels when there are enough of them — each lane then streams only its part of the
 * weight — else by row tiles. An element's summation order depends only on k and the k-block, so every
 * split gives the single-thread bits.
 */

import { activationKind } from '../../../ops/activation-name.js';
import type { GemmWeight, LinearArgs } from '../../../ops/linear.js';
import { activationId, GEMM_ACCUMULATE, type GemmTiling } from '../emit-gemm.js';
import { WASM_ACTIVATIONS, type WasmActivation } from '../emit-math.js';
import type { LaneTask, PlanContext, Step, WasmKernel } from '../plan.js';
import { overlaps, type WasmArray } from '../wasm-array.js';

/** The GEMM weight layout of a tiling: Wᵀ in panels of nr columns (packing.ts). */
export function wasmGemmLayout(tiling: GemmTiling): string {
  return `wasm-panels${tiling.nr}`;
}

/** Below this many multiply-adds a GEMM runs on the calling thread. */
const MIN_PARALLEL_GEMM = 1 << 16;

/** [rowStart, rowEnd, panelStart, panelEnd] of each lane's block. */
export type GemmBlock = readonly [number, number, number, number];

/** Splits m rows × `panels` panels over at most `lanes` lanes (row blocks are multiples of mr). */
export function splitGemm(m: number, panels: number, lanes: number, mr: number): GemmBlock[] {
  const rowTiles = Math.ceil(m / mr);
  const byPanels = panels >= lanes * 2 || panels >= rowTiles;
  const units = byPanels ? panels : rowTiles;
  const count = Math.max(1, Math.min(lanes, units));
  const blocks: GemmBlock[] = [];
  for (let i = 0; i < count; i++) {
    const lo = Math.floor((units * i) / count);
    const hi = Math.floor((units * (i + 1)) / count);
    blocks.push(byPanels ? [0, m, lo, hi] : [lo * mr, Math.min(m, hi * mr), 0, panels]);
  }
  return blocks;
}

export function wasmActivation(name: string | undefined): WasmActivation {
  const kind = name === undefined ? 'identity' : activationKind(name);
  if (!(WASM_ACTIVATIONS as readonly string[]).includes(kind)) throw new Error(`wasm: no epilogue for activation "${kind}"`);
  return kind as WasmActivation;
}

/** A GEMM on heap pointers: C[m, n] = A[m, k] · B (+ epilogue). */
export interface GemmOperands {
  a: number; lda: number; b: number; k: number; c: number; ldc: number; m: number; n: number;
  bias: number; res: number; ldr: number; act: WasmActivation; accumulate?: boolean;
}

/** The steps of one GEMM: the lane blocks, or (k = 0) C zeroed then the epilogue alone. */
export function gemmSteps(g: GemmOperands, ctx: PlanContext): Step[] {
  if (g.m === 0 || g.n === 0) return [];
  const actId = activationId(g.act);
  if (g.k === 0) {
    const steps: Step[] = [];
    if (!g.accumulate) steps.push({ host: () => { for (let i = 0; i < g.m; i++) ctx.heap.f32(g.c + i * g.ldc * 4, g.n).fill(0); } });
    if (g.act !== 'identity' || g.bias || g.res) steps.push({ tasks: [{ kernel: 'epilogue', args: [g.c, g.ldc, g.m, g.n, g.bias, g.res, g.ldr, actId] }] });
    return steps;
  }
  const { nr, mr } = ctx.tiling;
  const panels = Math.ceil(g.n / nr);
  const lanes = g.m * g.k * g.n >= MIN_PARALLEL_GEMM ? ctx.lanes : 1;
  const flags = (g.accumulate ? GEMM_ACCUMULATE : 0) | (actId << 8);
  const tasks = splitGemm(g.m, panels, lanes, mr).map(([r0, r1, p0, p1], lane): LaneTask => ({
    kernel: 'gemm',
    args: [g.a, g.lda, g.b, g.k, g.c, g.ldc, r0, r1, p0, p1, g.n, flags, g.bias, g.res, g.ldr, ctx.scratch(lane)],
  }));
  return [{ tasks }];
}

/**
 * The residual's pointer and stride for a GEMM writing `out`: a residual that shares bytes with the output
 * (out += residual) is copied first, because the GEMM overwrites C before the epilogue reads it.
 */
export function residualOperand(residual: WasmArray | null, out: WasmArray, rows: number, cols: number, ldr: number, ctx: PlanContext, steps: Step[]): { res: number; ldr: number } {
  if (!residual) return { res: 0, ldr: 0 };
  if (!overlaps(residual, out)) return { res: residual.ptr, ldr };
  const copy = ctx.temp(rows * cols);
  steps.push({
    host: () => {
      const dst = ctx.heap.f32(copy, rows * cols);
      for (let r = 0; r < rows; r++) dst.set(residual.data.subarray(r * ldr, r * ldr + cols), r * cols);
    },
  });
  return { res: copy, ldr: cols };
}

export function checkWasmWeight(op: string, w: { layout: string }, layout: string): void {
  if (w.layout !== layout) throw new TypeError(`${op}: the weight is packed for "${w.layout}", this engine's GEMM uses "${layout}"`);
}

export const linearKernel: WasmKernel<LinearArgs<WasmArray>> = {
  emit: (_mod, lib) => void lib.gemm(),
  plan(a, ctx) {
    const w: GemmWeight<WasmArray> = a.weight;
    checkWasmWeight('linear', w, wasmGemmLayout(ctx.tiling));
    const { inFeatures: k, outFeatures: n } = w;
    const ldo = a.ldo ?? n;
    const steps: Step[] = [];
    const { res, ldr } = residualOperand(a.residual ?? null, a.out, a.rows, n, a.ldr ?? n, ctx, steps);
    steps.push(...gemmSteps({
      a: a.x.ptr, lda: a.ldx ?? k, b: w.packed.ptr, k, c: a.out.ptr, ldc: ldo, m: a.rows, n,
      bias: w.bias ? w.bias.ptr : 0, res, ldr, act: wasmActivation(a.activation),
    }, ctx));
    return steps;
  },
};
