import { pixelShuffleReference } from '../reference/pixel-shuffle.js';

/** torch.nn.functional.pixel_shuffle: [n, c·r², h, w] → [n, c, h·r, w·r]. */
export function pixelShuffle(x: Float32Array, xShape: readonly number[], factor: number, out: Float32Array): void {
  pixelShuffleReference(x, xShape, factor, out);
}
