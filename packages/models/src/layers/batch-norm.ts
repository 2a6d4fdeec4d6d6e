import type { WeightScope } from '@purevit/weights';

/** torch BatchNorm2d's default eps. */
export const BATCH_NORM_EPS = 1e-5;

/** The eval-mode statistics and affine parameters of a torch BatchNorm2d. */
export interface BatchNormParams {
  mean: Float32Array; // [channels]  running_mean
  variance: Float32Array; // [channels]  running_var
  weight: Float32Array; // [channels]
  bias: Float32Array; // [channels]
  channels: number;
  eps: number;
}

/**
 * Reads `<scope>.{weight, bias, running_mean, running_var}`; `num_batches_tracked` (a training counter,
 * unused in eval mode) is marked as read so it is not reported as an unexpected key.
 */
export async function readBatchNorm(scope: WeightScope, channels: number, eps = BATCH_NORM_EPS): Promise<BatchNormParams> {
  const [weight, bias, mean, variance] = await Promise.all(
    ['weight', 'bias', 'running_mean', 'running_var'].map((name) => scope.get(name, [channels])),
  );
  scope.markUsed('num_batches_tracked');
  return { mean, variance, weight, bias, channels, eps };
}
