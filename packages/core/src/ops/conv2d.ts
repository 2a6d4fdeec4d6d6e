/**
 * Op `conv2d`: torch's nn.Conv2d on channels-last maps, x [n, h, w, c] → out [n, oh, ow, o], with the fused
 * epilogue of `linear`: + bias, the activation, then + residual. Zero padding, symmetric ([h, w] pixels) or
 * TensorFlow's 'same' (total padding max((⌈in/s⌉ − 1)·s + (k − 1)·d + 1 − in, 0), the extra pixel at the
 * bottom / right, as timm's Conv2dSame); stride, dilation, groups.
 */

import { activationReference, checkActivationName } from './activation.js';
import type { ActivationName } from './activation-name.js';
import { checkLength, checkShape4, pair } from './check.js';
import { declareOp, type Sized } from './op.js';

/** torch-style options of a convolution (stride, padding and dilation: one number or [h, w]). */
export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  /** Pixels on each side, or 'same' (TensorFlow's, resolved per input size). Default 0. */
  padding?: number | readonly [number, number] | 'same';
  dilation?: number | readonly [number, number];
  groups?: number;
}

/** A convolution's hyper-parameters, resolved. */
export interface ConvSpec {
  readonly outChannels: number;
  readonly inChannels: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number] | 'same';
  readonly dilation: readonly [number, number];
  readonly groups: number;
}

/**
 * A conv weight as a backend prepared it (`arena.prepareConv2d`). The reference layout 'torch-nhwc' is
 * [o, kh, kw, c / groups] row-major (torch's [o, c / groups, kh, kw] with the kernel axes first, the order
 * of a channels-last receptive field); backends pack it their own way.
 */
export interface ConvWeight<A> {
  readonly spec: ConvSpec;
  readonly layout: string;
  readonly packed: A;
  /** [outChannels] or null. */
  readonly bias: A | null;
}

export interface Conv2dArgs<A> {
  /** [n, h, w, c]. */
  x: A;
  shape: readonly [number, number, number, number];
  weight: ConvWeight<A>;
  /** [n, oh, ow, o] (conv2dOutputShape); must not overlap x. */
  out: A;
  activation?: ActivationName;
  /** [n, oh, ow, o], added after the activation; may be `out` itself. */
  residual?: A | null;
  /** Workspace of conv2dScratchLength floats a backend may use (else it takes temporary memory). */
  scratch?: A | null;
}

/** The sizes of one conv call: padding resolved for this input. */
export interface ConvGeometry {
  n: number; h: number; w: number; c: number; // input [n, h, w, c]
  o: number; kh: number; kw: number; // weight [o, kh, kw, c / groups]
  oh: number; ow: number; // output [n, oh, ow, o]
  sh: number; sw: number; dh: number; dw: number;
  /** Zero rows above / columns left of the input (the rest of the padding is below / right). */
  padTop: number; padLeft: number;
  groups: number;
}

export const REFERENCE_CONV_LAYOUT = 'torch-nhwc';

/** Resolves torch conv options for a weight [o, c / groups, kh, kw]. */
export function convSpec(wShape: readonly number[], options: Conv2dOptions = {}): ConvSpec {
  const [o, cg, kh, kw] = checkShape4('conv2d', 'weight shape', wShape, 'O, C / groups, KH, KW');
  const groups = options.groups ?? 1;
  if (!Number.isSafeInteger(groups) || groups < 1 || o % groups !== 0) throw new RangeError(`conv2d: groups=${groups} must divide out_channels=${o}`);
  if (kh < 1 || kw < 1 || cg < 1) throw new RangeError(`conv2d: invalid weight shape [${wShape.join(',')}]`);
  const padding = options.padding === 'same' ? 'same' : pair('conv2d', 'padding', options.padding ?? 0);
  const spec: ConvSpec = {
    outChannels: o, inChannels: cg * groups, kernel: [kh, kw],
    stride: pair('conv2d', 'stride', options.stride ?? 1),
    padding,
    dilation: pair('conv2d', 'dilation', options.dilation ?? 1),
    groups,
  };
  if (spec.stride.some((s) => s < 1) || spec.dilation.some((d) => d < 1) || (padding !== 'same' && padding.some((p) => p < 0))) {
    throw new RangeError('conv2d: stride and dilation must be >= 1 and padding >= 0');
  }
  return spec;
}

/** TensorFlow's 'same' padding of one axis: [before, after]. */
export function samePadding(size: number, kernel: number, stride: number, dilation: number): [number, number] {
  const total = Math.max((Math.ceil(size / stride) - 1) * stride + (kernel - 1) * dilation + 1 - size, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Checks an input shape [n, h, w, c] against the conv and resolves every size. */
export function convGeometry(shape: readonly number[], spec: ConvSpec): ConvGeometry {
  const [n, h, w, c] = checkShape4('conv2d', 'input shape', shape, 'N, H, W, C');
  if (c !== spec.inChannels) throw new RangeError(`conv2d: input has ${c} channels, the conv reads ${spec.inChannels}`);
  const [kh, kw] = spec.kernel, [sh, sw] = spec.stride, [dh, dw] = spec.dilation;
  const [top, bottom] = spec.padding === 'same' ? samePadding(h, kh, sh, dh) : [spec.padding[0], spec.padding[0]];
  const [left, right] = spec.padding === 'same' ? samePadding(w, kw, sw, dw) : [spec.padding[1], spec.padding[1]];
  const oh = Math.floor((h + top + bottom - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + left + right - dw * (kw - 1) - 1) / sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(`conv2d: input ${h}x${w} is too small for kernel ${kh}x${kw} (padding ${String(spec.padding)}, dilation ${dh},${dw})`);
  }
  return { n, h, w, c, o: spec.outChannels, kh, kw, oh, ow, sh, sw, dh, dw, padTop: top, padLeft: left, groups: spec.groups };
}

/** Output shape [n, oh, ow, o] of a conv on an input [n, h, w, c]. */
export function conv2dOutputShape(shape: readonly number[], spec: ConvSpec): [number, number, number, number] {
  const g = convGeometry(shape, spec);
  return [g.n, g.oh, g.ow, g.o];
}

/** True when the conv reads its input as is: 1×1, stride 1, no padding. */
export function isPointwise(spec: ConvSpec): boolean {
  const p = spec.padding;
  return spec.kernel[0] === 1 && spec.kernel[1] === 1 && spec.stride[0] === 1 && spec.stride[1] === 1 && (p === 'same' || (p[0] === 0 && p[1] === 0));
}

/**
 * Floats of the workspace the CPU backends use for a conv on an input of `shape` (the receptive-field rows,
 * [n·oh·ow, kh·kw·c]; 0 for a pointwise conv). Models keep it in their run state so a full unshared heap
 * shows at reserve time, not mid-forward.
 */
export function conv2dScratchLength(shape: readonly number[], spec: ConvSpec): number {
  if (isPointwise(spec)) return 0;
  const g = convGeometry(shape, spec);
  return g.n * g.oh * g.ow * g.kh * g.kw * g.c;
}

/** torch's [o, c / groups, kh, kw] weight → [o, kh, kw, c / groups] (the reference layout, the order of an NHWC receptive field). */
export function convWeightToNhwc(weight: Float32Array, spec: ConvSpec): Float32Array {
  const o = spec.outChannels, cg = spec.inChannels / spec.groups, [kh, kw] = spec.kernel;
  checkLength('prepareConv2d', 'weight', weight, o * cg * kh * kw);
  if (weight.length !== o * cg * kh * kw) throw new RangeError(`prepareConv2d: weight has ${weight.length} elements, expected [${o},${cg},${kh},${kw}]`);
  const out = new Float32Array(weight.length);
  for (let oc = 0; oc < o; oc++)
    for (let ci = 0; ci < cg; ci++)
      for (let ky = 0; ky < kh; ky++)
        for (let kx = 0; kx < kw; kx++) out[((oc * kh + ky) * kw + kx) * cg + ci] = weight[((oc * cg + ci) * kh + ky) * kw + kx];
  return out;
}

/** A conv weight in the reference layout (torch's weight reordered; the arrays are the reference's own). */
export function referenceConvWeight(weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions = {}): ConvWeight<Float32Array> {
  const spec = convSpec(wShape, options);
  if (bias && bias.length !== spec.outChannels) throw new RangeError(`prepareConv2d: bias has ${bias.length} elements, expected ${spec.outChannels}`);
  return { spec, layout: REFERENCE_CONV_LAYOUT, packed: convWeightToNhwc(weight, spec), bias };
}

export const conv2d = declareOp({
  name: 'conv2d',
  outputs: ['out'],
  check(a: Conv2dArgs<Sized>): void {
    const g = convGeometry(a.shape, a.weight.spec);
    checkLength('conv2d', 'x', a.x, g.n * g.h * g.w * g.c);
    checkLength('conv2d', 'out', a.out, g.n * g.oh * g.ow * g.o);
    if (a.residual) checkLength('conv2d', 'residual', a.residual, g.n * g.oh * g.ow * g.o);
    if (a.weight.bias) checkLength('conv2d', 'bias', a.weight.bias, g.o);
    if (a.scratch) checkLength('conv2d', 'scratch', a.scratch, conv2dScratchLength(a.shape, a.weight.spec));
    if (a.activation !== undefined) checkActivationName('conv2d', a.activation);
  },
  /** Direct convolution, float64 sums, then bias → activation → residual, each rounded to float32. */
  reference(a: Conv2dArgs<Float32Array>): void {
    if (a.weight.layout !== REFERENCE_CONV_LAYOUT) throw new TypeError(`conv2d reference: the weight is packed for "${a.weight.layout}"`);
    const g = convGeometry(a.shape, a.weight.spec);
    const cg = g.c / g.groups, og = g.o / g.groups;
    const w = a.weight.packed, bias = a.weight.bias;
    const pixel = new Float32Array(g.o);
    for (let b = 0; b < g.n; b++) {
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          for (let oc = 0; oc < g.o; oc++) {
            const grp = Math.floor(oc / og);
            let s = bias ? bias[oc] : 0;
            for (let ky = 0; ky < g.kh; ky++) {
              const y = oy * g.sh - g.padTop + ky * g.dh;
              if (y < 0 || y >= g.h) continue;
              for (let kx = 0; kx < g.kw; kx++) {
                const xx = ox * g.sw - g.padLeft + kx * g.dw;
                if (xx < 0 || xx >= g.w) continue;
                const src = ((b * g.h + y) * g.w + xx) * g.c + grp * cg;
                const wo = ((oc * g.kh + ky) * g.kw + kx) * cg;
                for (let ci = 0; ci < cg; ci++) s += a.x[src + ci] * w[wo + ci];
              }
            }
            pixel[oc] = s;
          }
          if (a.activation) activationReference(a.activation, pixel, pixel);
          const o = ((b * g.oh + oy) * g.ow + ox) * g.o;
          if (a.residual) for (let oc = 0; oc < g.o; oc++) pixel[oc] += a.residual[o + oc];
          a.out.set(pixel, o);
        }
      }
    }
  },
});
