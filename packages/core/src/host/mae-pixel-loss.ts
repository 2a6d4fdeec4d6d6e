import { checkLength } from '../ops/check.js';

/**
 * ViTMAE's pre-training loss (transformers' ViTMAEForPreTraining.forward_loss), on values read back: the
 * target is patchify(pixels) — patch (h, w) of each image as one row in (p, q, c) order — optionally
 * normalised per patch (norm_pix_loss: (t − mean) / sqrt(var + 1e-6) with the UNBIASED variance); the loss
 * is the mean over patches of mean((pred − target)²), weighted by `mask` (1 = removed patch): sum / sum(mask)
 * (NaN when nothing is masked, as torch's 0 / 0). In float64.
 */
export function maePixelLoss(
  pixels: Float32Array, // [batch, channels, height, width]
  shape: readonly [number, number, number, number],
  pred: Float32Array, // [batch, gh·gw, ph·pw·channels]
  mask: ArrayLike<number>, // [batch, gh·gw]
  patch: readonly [number, number],
  normPixLoss: boolean,
): number {
  const [batch, channels, height, width] = shape;
  const [ph, pw] = patch;
  if (height % ph !== 0 || width % pw !== 0) {
    throw new RangeError(`maePixelLoss: a ${height}x${width} image is not made of whole ${ph}x${pw} patches`);
  }
  const gh = height / ph, gw = width / pw;
  const rowLength = ph * pw * channels;
  checkLength('maePixelLoss', 'pixels', pixels, batch * channels * height * width);
  checkLength('maePixelLoss', 'pred', pred, batch * gh * gw * rowLength);
  checkLength('maePixelLoss', 'mask', mask, batch * gh * gw);
  const target = new Float64Array(rowLength);
  let weighted = 0;
  let masked = 0;
  for (let b = 0; b < batch; b++) {
    for (let y = 0; y < gh; y++) {
      for (let x = 0; x < gw; x++) {
        let i = 0;
        for (let p = 0; p < ph; p++)
          for (let q = 0; q < pw; q++)
            for (let c = 0; c < channels; c++) target[i++] = pixels[((b * channels + c) * height + y * ph + p) * width + x * pw + q];
        if (normPixLoss) normalisePatch(target);
        const row = (b * gh + y) * gw + x;
        let sum = 0;
        for (let j = 0; j < rowLength; j++) {
          const d = pred[row * rowLength + j] - target[j];
          sum += d * d;
        }
        weighted += (sum / rowLength) * mask[row];
        masked += mask[row];
      }
    }
  }
  return weighted / masked;
}

/** (t − mean) / sqrt(var + 1e-6), var with Bessel's correction (torch's Tensor.var default). */
function normalisePatch(t: Float64Array): void {
  const n = t.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += t[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (t[i] - mean) ** 2;
  const scale = Math.sqrt(ss / (n - 1) + 1e-6);
  for (let i = 0; i < n; i++) t[i] = (t[i] - mean) / scale;
}
