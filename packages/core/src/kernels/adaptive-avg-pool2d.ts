import { adaptiveAvgPool2dParams } from './output-shapes.js';

/** torch.nn.functional.adaptive_avg_pool2d on NCHW to [n, c, outH, outW]; window i spans [floor(i·in/out), ceil((i+1)·in/out)). */
export function adaptiveAvgPool2d(x: Float32Array, xShape: readonly number[], outH: number, outW: number, out: Float32Array): void {
  const [n, c, h, w] = adaptiveAvgPool2dParams(x, xShape, outH, outW, out);
  const hw = h * w;
  if (outH === 1 && outW === 1) {
    // Global average pooling (ResNet heads): one contiguous sum per plane.
    for (let p = 0; p < n * c; p++) {
      let s0 = 0, s1 = 0;
      const base = p * hw;
      let i = 0;
      for (; i + 1 < hw; i += 2) {
        s0 += x[base + i];
        s1 += x[base + i + 1];
      }
      if (i < hw) s0 += x[base + i];
      out[p] = (s0 + s1) / hw;
    }
    return;
  }
  for (let p = 0; p < n * c; p++) {
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.floor((oy * h) / outH);
      const y1 = Math.ceil(((oy + 1) * h) / outH);
      for (let ox = 0; ox < outW; ox++) {
        const xs = Math.floor((ox * w) / outW);
        const xe = Math.ceil(((ox + 1) * w) / outW);
        let s = 0;
        for (let y = y0; y < y1; y++) {
          const row = p * hw + y * w;
          for (let xx = xs; xx < xe; xx++) s += x[row + xx];
        }
        out[(p * outH + oy) * outW + ox] = s / ((y1 - y0) * (xe - xs));
      }
    }
  }
}
