import { adaptiveAvgPool2dParams } from '../kernels/output-shapes.js';

/** torch.nn.functional.adaptive_avg_pool2d: window i spans [floor(i*in/out), ceil((i+1)*in/out)). */
export function adaptiveAvgPool2dReference(x: Float32Array, xShape: readonly number[], outH: number, outW: number, out: Float32Array): void {
  const [n, c, h, w] = adaptiveAvgPool2dParams(x, xShape, outH, outW, out);
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
