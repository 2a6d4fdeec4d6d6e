import { checkLength, checkShape4 } from '../kernels/check.js';

/** torch.nn.functional.adaptive_avg_pool2d: window i spans [floor(i*in/out), ceil((i+1)*in/out)). */
export function adaptiveAvgPool2dReference(x: Float32Array, xShape: readonly number[], outH: number, outW: number, out: Float32Array): void {
  const [n, c, h, w] = checkShape4('adaptiveAvgPool2d', 'input shape', xShape);
  if (!(Number.isSafeInteger(outH) && Number.isSafeInteger(outW) && outH > 0 && outW > 0)) {
    throw new RangeError(`adaptiveAvgPool2d: output size ${outH}x${outW} must be positive`);
  }
  checkLength('adaptiveAvgPool2d', 'input', x, n * c * h * w);
  checkLength('adaptiveAvgPool2d', 'out', out, n * c * outH * outW);
  for (let nc = 0; nc < n * c; nc++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.floor((oy * h) / outH);
      const y1 = Math.ceil(((oy + 1) * h) / outH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = Math.floor((ox * w) / outW);
        const x1 = Math.ceil(((ox + 1) * w) / outW);
        let s = 0;
        for (let y = y0; y < y1; y++) for (let xx = x0; xx < x1; xx++) s += x[(nc * h + y) * w + xx];
        out[(nc * outH + oy) * outW + ox] = s / ((y1 - y0) * (x1 - x0));
      }
    }
  }
}
