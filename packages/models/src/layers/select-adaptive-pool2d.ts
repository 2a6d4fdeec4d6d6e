import type { DeviceArray, Engine } from '@purevit/core';
import type { FeatureMap } from './conv2d.js';

/** timm's SelectAdaptivePool2d pool types ('' = no pooling). */
export type GlobalPool2dType = '' | 'avg' | 'max' | 'avgmax' | 'catavgmax';

export const GLOBAL_POOL_2D_TYPES: readonly GlobalPool2dType[] = ['', 'avg', 'max', 'avgmax', 'catavgmax'];

/** Features per channel after pooling (catavgmax concatenates avg and max). */
export function poolFeatureMultiplier(type: GlobalPool2dType): number {
  return type === 'catavgmax' ? 2 : 1;
}

/**
 * timm's SelectAdaptivePool2d with flatten, to output size 1, on a channels-last map: x [n, h, w, c] →
 * out [n, c·mult]. avg = mean over h·w; max = amax; avgmax = 0.5·(avg + max); catavgmax = [avg | max]
 * along channels (two pools into the two halves of each row).
 */
export function selectAdaptivePool2d(engine: Engine, x: FeatureMap, type: Exclude<GlobalPool2dType, ''>, out: DeviceArray): void {
  const c = x.shape[3];
  const pool = (mode: 'avg' | 'max' | 'avgmax', dst: DeviceArray, ldo: number): void =>
    engine.ops.adaptivePool2d({ x: x.data, shape: x.shape, mode, outSize: [1, 1], out: dst, ldo });
  if (type !== 'catavgmax') return pool(type, out, c);
  pool('avg', out, 2 * c);
  pool('max', out.view(c), 2 * c);
}
