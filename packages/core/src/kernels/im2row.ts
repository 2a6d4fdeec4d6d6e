/**
 * Channels-last convolution as a GEMM: each output pixel's receptive field is copied into one row
 * (im2row), and the conv is rows · Wᵀ with the weight reordered to [out, kh, kw, in] and packed like a
 * linear layer's. In NHWC a field row is a few contiguous runs of channels, so the gather is mostly copies;
 * a 1×1 stride-1 conv needs none (the input already is the [pixels, channels] matrix). Also: the patch
 * gather of a patch embedding (NCHW pixels → [patches, c·ph·pw], in torch's weight order) and the
 * NCHW ↔ NHWC transposes.
 */

import { checkLength, checkShape4, pair } from './check.js';
import type { Conv2dOptions } from './output-shapes.js';

/** The sizes of a channels-last conv. */
export interface ConvGeometry {
  n: number; h: number; w: number; c: number; // input [n, h, w, c]
  o: number; kh: number; kw: number; // weight [o, c / groups, kh, kw]
  oh: number; ow: number; // output [n, oh, ow, o]
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  groups: number;
}

/** A conv's hyper-parameters (what PreparedConv2d carries). */
export interface ConvSpec {
  outChannels: number;
  inChannels: number;
  kernel: readonly [number, number];
  stride: readonly [number, number];
  padding: readonly [number, number];
  dilation: readonly [number, number];
  groups: number;
}

/** Resolves torch conv options for a weight [o, c / groups, kh, kw]. */
export function convSpec(wShape: readonly number[], options: Conv2dOptions = {}): ConvSpec {
  const [o, cg, kh, kw] = checkShape4('conv2d', 'weight shape', wShape);
  const groups = options.groups ?? 1;
  const spec: ConvSpec = {
    outChannels: o, inChannels: cg * groups, kernel: [kh, kw],
    stride: pair('conv2d', 'stride', options.stride ?? 1),
    padding: pair('conv2d', 'padding', options.padding ?? 0),
    dilation: pair('conv2d', 'dilation', options.dilation ?? 1),
    groups,
  };
  if (!Number.isSafeInteger(groups) || groups < 1 || o % groups !== 0) throw new RangeError(`conv2d: groups=${groups} must divide out_channels=${o}`);
  if (kh < 1 || kw < 1 || cg < 1) throw new RangeError(`conv2d: invalid weight shape [${wShape.join(',')}]`);
  if (spec.stride.some((s) => s < 1) || spec.dilation.some((d) => d < 1) || spec.padding.some((p) => p < 0)) {
    throw new RangeError('conv2d: stride and dilation must be >= 1 and padding >= 0');
  }
  return spec;
}

/** Checks x [n, h, w, c] against the conv and resolves every size. */
export function convGeometry(xShape: readonly number[], spec: ConvSpec): ConvGeometry {
  if (xShape.length !== 4 || xShape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new RangeError(`conv2dNhwc: input shape must be [N, H, W, C], got [${xShape.join(',')}]`);
  }
  const [n, h, w, c] = xShape;
  if (c !== spec.inChannels) throw new RangeError(`conv2dNhwc: input has ${c} channels, the conv reads ${spec.inChannels}`);
  const [kh, kw] = spec.kernel, [sh, sw] = spec.stride, [ph, pw] = spec.padding, [dh, dw] = spec.dilation;
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(`conv2d: input ${h}x${w} is too small for kernel ${kh}x${kw} (padding ${ph},${pw}, dilation ${dh},${dw})`);
  }
  return { n, h, w, c, o: spec.outChannels, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, groups: spec.groups };
}

/** Output shape [n, oh, ow, o] of a channels-last conv. */
export function conv2dNhwcOutputShape(xShape: readonly number[], spec: ConvSpec): [number, number, number, number] {
  const g = convGeometry(xShape, spec);
  return [g.n, g.oh, g.ow, g.o];
}

/** True when the conv reads its input as is: 1×1, stride 1, no padding. */
export function isPointwise(spec: ConvSpec): boolean {
  return spec.kernel[0] === 1 && spec.kernel[1] === 1 && spec.stride[0] === 1 && spec.stride[1] === 1 && spec.padding[0] === 0 && spec.padding[1] === 0;
}

/** Floats of the im2row matrix [n·oh·ow, kh·kw·c] of a conv (0 for a pointwise one, which needs none). */
export function im2rowLength(xShape: readonly number[], spec: ConvSpec): number {
  if (isPointwise(spec)) return 0;
  const g = convGeometry(xShape, spec);
  return g.n * g.oh * g.ow * g.kh * g.kw * g.c;
}

/**
 * rows[(b·oh + oy)·ow + ox, (grp, ky, kx, ci)] = x[b, oy·sh − ph + ky·dh, ox·sw − pw + kx·dw, grp·cg + ci]
 * (zero outside): a group's columns are contiguous, so group `grp` is the column block at grp·kh·kw·cg.
 */
export function im2rowNhwc(x: Float32Array, g: ConvGeometry, rows: Float32Array): void {
  const { n, h, w, c, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, groups } = g;
  const cg = c / groups;
  const width = kh * kw * c;
  checkLength('im2row', 'input', x, n * h * w * c);
  checkLength('im2row', 'rows', rows, n * oh * ow * width);
  // With one group and dw = 1, the kw pixels of a kernel row are one contiguous run of kw·c floats.
  const wholeRows = groups === 1 && dw === 1;
  let dst = 0;
  for (let b = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const x0 = ox * sw - pw;
        for (let grp = 0; grp < groups; grp++) {
          for (let ky = 0; ky < kh; ky++) {
            const y = oy * sh - ph + ky * dh;
            if (y < 0 || y >= h) {
              rows.fill(0, dst, dst + kw * cg);
              dst += kw * cg;
              continue;
            }
            const line = (b * h + y) * w;
            if (wholeRows && x0 >= 0 && x0 + kw <= w) {
              copy(x, (line + x0) * c, rows, dst, kw * c);
              dst += kw * c;
              continue;
            }
            for (let kx = 0; kx < kw; kx++) {
              const xx = x0 + kx * dw;
              if (xx < 0 || xx >= w) rows.fill(0, dst, dst + cg);
              else copy(x, (line + xx) * c + grp * cg, rows, dst, cg);
              dst += cg;
            }
          }
        }
      }
    }
  }
}

function copy(src: Float32Array, s: number, dst: Float32Array, d: number, length: number): void {
  if (length >= 64) {
    dst.set(src.subarray(s, s + length), d);
    return;
  }
  for (let i = 0; i < length; i++) dst[d + i] = src[s + i];
}

/** A torch conv weight [o, cg, kh, kw] (one group's rows) → [o, kh, kw, cg], the order of im2row's columns. */
export function weightToNhwc(weight: Float32Array, offset: number, o: number, cg: number, kh: number, kw: number, out: Float32Array): void {
  for (let oc = 0; oc < o; oc++) {
    for (let ci = 0; ci < cg; ci++) {
      for (let ky = 0; ky < kh; ky++) {
        for (let kx = 0; kx < kw; kx++) {
          out[((oc * kh + ky) * kw + kx) * cg + ci] = weight[offset + ((oc * cg + ci) * kh + ky) * kw + kx];
        }
      }
    }
  }
}

/**
 * Patches of pixels [n, c, h, w] (kernel = stride = patch, no padding; remainders dropped) as rows
 * [n·gh·gw, c·ph·pw] in torch's weight order (ci, ky, kx): the patch embedding is then rows · Wᵀ.
 */
export function gatherPatches(pixels: Float32Array, shape: readonly number[], patch: readonly [number, number], rows: Float32Array): void {
  const [n, c, h, w] = checkShape4('patchEmbed', 'input shape', shape);
  const [ph, pw] = patch;
  const gh = Math.floor(h / ph), gw = Math.floor(w / pw);
  checkLength('patchEmbed', 'input', pixels, n * c * h * w);
  checkLength('patchEmbed', 'rows', rows, n * gh * gw * c * ph * pw);
  let dst = 0;
  for (let b = 0; b < n; b++) {
    for (let gy = 0; gy < gh; gy++) {
      for (let gx = 0; gx < gw; gx++) {
        for (let ci = 0; ci < c; ci++) {
          for (let ky = 0; ky < ph; ky++) {
            const src = ((b * c + ci) * h + gy * ph + ky) * w + gx * pw;
            for (let kx = 0; kx < pw; kx++) rows[dst++] = pixels[src + kx];
          }
        }
      }
    }
  }
}

/** [n, c, h, w] → [n, h, w, c]. */
export function nchwToNhwc(x: Float32Array, shape: readonly number[], out: Float32Array): void {
  const [n, c, h, w] = checkShape4('nchwToNhwc', 'shape', shape);
  checkLength('nchwToNhwc', 'x', x, n * c * h * w);
  checkLength('nchwToNhwc', 'out', out, n * c * h * w);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * c * hw;
    for (let ci = 0; ci < c; ci++) {
      const plane = base + ci * hw;
      for (let p = 0; p < hw; p++) out[base + p * c + ci] = x[plane + p];
    }
  }
}

/** [n, h, w, c] → [n, c, h, w]. */
export function nhwcToNchw(x: Float32Array, shape: readonly number[], out: Float32Array): void {
  if (shape.length !== 4 || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    throw new RangeError(`nhwcToNchw: shape must be [N, H, W, C], got [${shape.join(',')}]`);
  }
  const [n, h, w, c] = shape;
  checkLength('nhwcToNchw', 'x', x, n * c * h * w);
  checkLength('nhwcToNchw', 'out', out, n * c * h * w);
  const hw = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * c * hw;
    for (let p = 0; p < hw; p++) {
      const pixel = base + p * c;
      for (let ci = 0; ci < c; ci++) out[base + ci * hw + p] = x[pixel + ci];
    }
  }
}
