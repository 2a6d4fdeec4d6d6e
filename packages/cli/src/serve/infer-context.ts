import type { Tensor } from '@purevit/core';
import type { BatchOutputs, ModelRunner, OutputsWanted } from './model-runner.js';

/** What a protocol handler needs from the server to answer one inference request. */
export interface InferContext {
  runner: ModelRunner;
  /** Queues pixels [n, 3, H, W] for a batched forward pass; fails with 503 / 504 as the queue decides. */
  infer(pixels: Tensor, wanted: OutputsWanted): Promise<BatchOutputs>;
  /** Largest accepted image, width × height. */
  maxPixels: number;
  /** Most images in one request. */
  maxImages: number;
}

/** Row `n` of a batch tensor [batch, ...] as nested arrays of numbers ([tokens, hidden] → number[][]). */
export function rowAsArrays(t: Tensor, n: number): unknown {
  const shape = t.shape.slice(1);
  const inner = shape.reduce((a, b) => a * b, 1);
  const data = t.data.subarray(n * inner, (n + 1) * inner);
  const build = (axis: number, offset: number): unknown => {
    if (axis === shape.length) return data[offset];
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: shape[axis] }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}
