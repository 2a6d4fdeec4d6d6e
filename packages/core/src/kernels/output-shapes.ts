import { checkLength, checkShape4, pair } from './check.js';

/** Options of `conv2d`, as torch.nn.functional.conv2d (padding is symmetric, in pixels). */
export interface Conv2dOptions {
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  groups?: number;
}

export interface Conv2dParams {
  n: number; c: number; h: number; w: number; // input [n, c, h, w]
  o: number; kh: number; kw: number; // weight [o, c / groups, kh, kw]
  oh: number; ow: number; // output [n, o, oh, ow]
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  groups: number;
}

/** Validates a conv2d call and resolves every size; shared by the reference and the fast kernel. */
export function conv2dParams(xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions = {}): Conv2dParams {
  const [n, c, h, w] = checkShape4('conv2d', 'input shape', xShape);
  const [o, cg, kh, kw] = checkShape4('conv2d', 'weight shape', wShape);
  const [sh, sw] = pair('conv2d', 'stride', options.stride ?? 1);
  const [ph, pw] = pair('conv2d', 'padding', options.padding ?? 0);
  const [dh, dw] = pair('conv2d', 'dilation', options.dilation ?? 1);
  const groups = options.groups ?? 1;
  if (sh < 1 || sw < 1 || dh < 1 || dw < 1 || ph < 0 || pw < 0) {
    throw new RangeError(`conv2d: stride and dilation must be >= 1 and padding >= 0`);
  }
  if (!Number.isSafeInteger(groups) || groups < 1 || c % groups !== 0 || o % groups !== 0) {
    throw new RangeError(`conv2d: groups=${groups} must divide in_channels=${c} and out_channels=${o}`);
  }
  if (cg * groups !== c) {
    throw new RangeError(`conv2d: weight [${wShape.join(',')}] expects ${cg * groups} input channels (groups=${groups}), input has ${c}`);
  }
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(`conv2d: input [${xShape.join(',')}] is too small for kernel ${kh}x${kw} (padding ${ph},${pw}, dilation ${dh},${dw})`);
  }
  return { n, c, h, w, o, kh, kw, oh, ow, sh, sw, ph, pw, dh, dw, groups };
}

/** Output shape `[N, O, OH, OW]` of `conv2d`. */
export function conv2dOutputShape(xShape: readonly number[], wShape: readonly number[], options: Conv2dOptions = {}): [number, number, number, number] {
  const p = conv2dParams(xShape, wShape, options);
  return [p.n, p.o, p.oh, p.ow];
}

export function checkConv2dBuffers(p: Conv2dParams, x: Float32Array, weight: Float32Array, bias: Float32Array | null, out: Float32Array): void {
  checkLength('conv2d', 'input', x, p.n * p.c * p.h * p.w);
  checkLength('conv2d', 'weight', weight, p.o * (p.c / p.groups) * p.kh * p.kw);
  if (bias) checkLength('conv2d', 'bias', bias, p.o);
  checkLength('conv2d', 'out', out, p.n * p.o * p.oh * p.ow);
}

/** Options of `maxPool2d`, as torch.nn.functional.max_pool2d (stride defaults to the kernel size). */
export interface MaxPool2dOptions {
  kernel: number | readonly [number, number];
  stride?: number | readonly [number, number];
  padding?: number | readonly [number, number];
  dilation?: number | readonly [number, number];
  ceilMode?: boolean;
}

/** torch's pooling_output_shape: in ceil mode the last window must start inside the input or left padding. */
function poolOutputSize(size: number, k: number, pad: number, stride: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (k - 1) - 1 + (ceilMode ? stride - 1 : 0);
  let out = Math.floor(span / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

export interface MaxPool2dParams {
  n: number; c: number; h: number; w: number; oh: number; ow: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

export function maxPool2dParams(xShape: readonly number[], options: MaxPool2dOptions): MaxPool2dParams {
  const [n, c, h, w] = checkShape4('maxPool2d', 'input shape', xShape);
  const [kh, kw] = pair('maxPool2d', 'kernel', options.kernel);
  const [sh, sw] = pair('maxPool2d', 'stride', options.stride ?? options.kernel);
  const [ph, pw] = pair('maxPool2d', 'padding', options.padding ?? 0);
  const [dh, dw] = pair('maxPool2d', 'dilation', options.dilation ?? 1);
  if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || dh < 1 || dw < 1) throw new RangeError('maxPool2d: kernel, stride and dilation must be >= 1');
  if (ph < 0 || pw < 0 || 2 * ph > kh || 2 * pw > kw) {
    throw new RangeError(`maxPool2d: padding (${ph},${pw}) must be >= 0 and at most half the kernel (${kh},${kw})`);
  }
  const ceil = options.ceilMode ?? false;
  const oh = poolOutputSize(h, kh, ph, sh, dh, ceil);
  const ow = poolOutputSize(w, kw, pw, sw, dw, ceil);
  if (oh < 1 || ow < 1) throw new RangeError(`maxPool2d: output size would be ${oh}x${ow} for input [${xShape.join(',')}]`);
  return { n, c, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw };
}

/** Output shape `[N, C, OH, OW]` of `maxPool2d`. */
export function maxPool2dOutputShape(xShape: readonly number[], options: MaxPool2dOptions): [number, number, number, number] {
  const p = maxPool2dParams(xShape, options);
  return [p.n, p.c, p.oh, p.ow];
}

/** Validates an `adaptiveAvgPool2d` call and returns the input's [n, c, h, w]; shared by the reference and the fast kernel. */
export function adaptiveAvgPool2dParams(
  x: Float32Array,
  xShape: readonly number[],
  outH: number,
  outW: number,
  out: Float32Array,
): [number, number, number, number] {
  const [n, c, h, w] = checkShape4('adaptiveAvgPool2d', 'input shape', xShape);
  if (!(Number.isSafeInteger(outH) && Number.isSafeInteger(outW) && outH > 0 && outW > 0)) {
    throw new RangeError(`adaptiveAvgPool2d: output size ${outH}x${outW} must be positive`);
  }
  checkLength('adaptiveAvgPool2d', 'input', x, n * c * h * w);
  checkLength('adaptiveAvgPool2d', 'out', out, n * c * outH * outW);
  return [n, c, h, w];
}

export interface PatchEmbedParams {
  n: number; c: number; h: number; w: number; // input [n, c, h, w]
  ph: number; pw: number; // patch
  o: number; // output channels (weight [o, c, ph, pw])
  gh: number; gw: number; // patch grid (remainders dropped)
}

/** Validates a `patchEmbed` call and resolves every size; shared by the reference and the fast kernel. */
export function patchEmbedParams(
  x: Float32Array,
  xShape: readonly number[],
  weight: Float32Array,
  bias: Float32Array | null,
  patch: number | readonly [number, number],
  out: Float32Array,
): PatchEmbedParams {
  const [n, c, h, w] = checkShape4('patchEmbed', 'input shape', xShape);
  const [ph, pw] = pair('patchEmbed', 'patch', patch);
  const kk = c * ph * pw;
  const o = weight.length / kk;
  if (!Number.isInteger(o) || o < 1) throw new RangeError(`patchEmbed: weight has ${weight.length} elements, not a multiple of c*ph*pw = ${kk}`);
  const gh = Math.floor(h / ph);
  const gw = Math.floor(w / pw);
  checkLength('patchEmbed', 'input', x, n * c * h * w);
  if (bias) checkLength('patchEmbed', 'bias', bias, o);
  checkLength('patchEmbed', 'out', out, n * gh * gw * o);
  return { n, c, h, w, ph, pw, o, gh, gw };
}

/**
 * Validates the input and output of a `batchNorm` call ([N, C, ...]) and returns n, c and the elements per
 * channel plane; shared by the reference and the fast kernel.
 */
export function batchNormParams(x: Float32Array, xShape: readonly number[], out: Float32Array): { n: number; c: number; inner: number } {
  if (xShape.length < 2) throw new RangeError(`batchNorm: input must be [N, C, ...], got [${xShape.join(',')}]`);
  const [n, c] = xShape;
  let inner = 1;
  for (let i = 2; i < xShape.length; i++) inner *= xShape[i];
  checkLength('batchNorm', 'input', x, n * c * inner);
  checkLength('batchNorm', 'out', out, n * c * inner);
  return { n, c, inner };
}
