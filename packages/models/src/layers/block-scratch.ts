import type { DeviceArray } from '@purevit/core';
import type { RunState } from './run-state.js';

/** Activations of one transformer block, reused by every block of the stack. `rows` = batch · tokens. */
export interface BlockScratch {
  readonly rows: number;
  readonly normed: DeviceArray; // [rows, dim]     norm1 / norm2 output
  readonly qkv: DeviceArray; // [rows, 3·dim]      fused q | k | v projection
  readonly context: DeviceArray; // [rows, dim]    attention output before the output projection
  readonly mid: DeviceArray; // [rows, dim]        residual stream between the attention and MLP halves
  readonly mlpHidden: DeviceArray; // [rows, mlpDim]
}

/** Run-state buffer lengths of a block's scratch for `rows` rows. */
export function blockScratchLengths(rows: number, dim: number, mlpDim: number): Record<keyof Omit<BlockScratch, 'rows'>, number> {
  return { normed: rows * dim, qkv: rows * 3 * dim, context: rows * dim, mid: rows * dim, mlpHidden: rows * mlpDim };
}

/** The block scratch for `rows` rows, as views of a run state reserved with `blockScratchLengths`. */
export function blockScratch(state: RunState, rows: number, dim: number, mlpDim: number): BlockScratch {
  const n = blockScratchLengths(rows, dim, mlpDim);
  return {
    rows,
    normed: state.view('normed', n.normed),
    qkv: state.view('qkv', n.qkv),
    context: state.view('context', n.context),
    mid: state.view('mid', n.mid),
    mlpHidden: state.view('mlpHidden', n.mlpHidden),
  };
}
