/**
 * Convolutions on the GPU, channels-last. A dense or grouped conv is one implicit-im2col GEMM (the group is
 * the GEMM's inner batch), a depthwise conv its own direct kernel, a patch embedding one GEMM reading patches
 * of the NCHW pixels. Weights are reordered once at prepare time: [group][(ky, kx, ci)][og] for the GEMM,
 * [ky, kx, o] for depthwise, [(c, py, px)][dim] for patches.
 */

import { activationKind, type ActivationName } from '../../../ops/activation-name.js';
import { checkShape4, pair } from '../../../ops/check.js';
import type { Conv2dOptions } from '../../../ops/conv2d.js';
import type { GpuArray } from '../gpu-array.js';
import type { GpuMemory } from '../memory.js';
import type { CommandRecorder } from '../recorder.js';
import { bindStorage, type StorageArg } from '../wgsl/bindings.js';
import { DEPTHWISE_THREADS, depthwiseParams, depthwiseShader } from '../wgsl/depthwise-conv.js';
import { grid } from '../wgsl/grid.js';
import { recordGemm } from './gemm.js';
import { transpose } from './linear.js';

/** Conv options, with TensorFlow's asymmetric 'same' padding besides torch's symmetric padding. */
export interface GpuConv2dOptions extends Omit<Conv2dOptions, 'padding'> {
  padding?: number | readonly [number, number] | 'same';
}

export interface GpuConv2d {
  readonly kind: 'conv2d';
  readonly outChannels: number;
  readonly inChannels: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number] | 'same';
  readonly dilation: readonly [number, number];
  readonly groups: number;
  /** One thread per output with a [kh, kw, o] weight (groups == inChannels), else the grouped GEMM. */
  readonly depthwise: boolean;
  readonly weight: GpuArray;
  readonly bias: GpuArray | null;
}

export function prepareGpuConv2d(memory: GpuMemory, weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: GpuConv2dOptions = {}): GpuConv2d {
  const [o, cg, kh, kw] = checkShape4('prepareConv2d', 'weight shape', wShape);
  const groups = options.groups ?? 1;
  if (!Number.isSafeInteger(groups) || groups < 1 || o % groups !== 0) throw new RangeError(`prepareConv2d: groups=${groups} must divide out_channels=${o}`);
  if (weight.length !== o * cg * kh * kw) throw new RangeError(`prepareConv2d: weight has ${weight.length} elements, expected [${wShape.join(',')}]`);
  if (bias && bias.length !== o) throw new RangeError(`prepareConv2d: bias has ${bias.length} elements, expected ${o}`);
  const stride = pair('prepareConv2d', 'stride', options.stride ?? 1);
  const dilation = pair('prepareConv2d', 'dilation', options.dilation ?? 1);
  const padding = options.padding === 'same' ? 'same' : pair('prepareConv2d', 'padding', options.padding ?? 0);
  if (stride.some((s) => s < 1) || dilation.some((d) => d < 1) || (padding !== 'same' && padding.some((p) => p < 0))) {
    throw new RangeError('prepareConv2d: stride and dilation must be >= 1 and padding >= 0');
  }
  const inChannels = cg * groups;
  const depthwise = cg === 1 && groups === inChannels && groups > 1;
  const og = o / groups;
  const kk = kh * kw * cg;
  let packed: Float32Array;
  if (depthwise) {
    packed = transpose(weight, o, kh * kw); // [o, kh·kw] → [kh·kw, o]
  } else {
    packed = new Float32Array(o * kk);
    for (let g = 0; g < groups; g++)
      for (let oc = 0; oc < og; oc++)
        for (let ci = 0; ci < cg; ci++)
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++) {
              const src = (((g * og + oc) * cg + ci) * kh + ky) * kw + kx;
              packed[g * kk * og + ((ky * kw + kx) * cg + ci) * og + oc] = weight[src];
            }
  }
  return {
    kind: 'conv2d', outChannels: o, inChannels, kernel: [kh, kw], stride, padding, dilation, groups, depthwise,
    weight: memory.upload(packed, 'conv weight'), bias: bias ? memory.upload(bias, 'conv bias') : null,
  };
}

export interface ConvOutput {
  oh: number;
  ow: number;
  padTop: number;
  padLeft: number;
}

/** Output size and leading padding of `conv` over an h × w input. */
export function convOutput(conv: GpuConv2d, h: number, w: number): ConvOutput {
  const [kh, kw] = conv.kernel, [sh, sw] = conv.stride, [dh, dw] = conv.dilation;
  if (conv.padding === 'same') {
    const oh = Math.ceil(h / sh), ow = Math.ceil(w / sw);
    const padH = Math.max((oh - 1) * sh + (kh - 1) * dh + 1 - h, 0);
    const padW = Math.max((ow - 1) * sw + (kw - 1) * dw + 1 - w, 0);
    return { oh, ow, padTop: Math.floor(padH / 2), padLeft: Math.floor(padW / 2) };
  }
  const [ph, pw] = conv.padding;
  const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
  if (oh < 1 || ow < 1) throw new RangeError(`conv2d: input ${h}x${w} is too small for kernel ${kh}x${kw} (padding ${ph},${pw}, dilation ${dh},${dw})`);
  return { oh, ow, padTop: ph, padLeft: pw };
}

export interface GpuConvRunOptions {
  activation?: ActivationName | null;
  /** [n, oh, ow, o], added after the activation; may be `out` itself. */
  residual?: GpuArray | null;
}

export function recordConv2dNhwc(rec: CommandRecorder, x: GpuArray, xShape: readonly number[], conv: GpuConv2d, out: GpuArray, options: GpuConvRunOptions = {}): void {
  const [n, h, w, c] = checkShape4('conv2dNhwc', 'input shape', xShape);
  conv.weight.check('conv2dNhwc');
  if (c !== conv.inChannels) throw new RangeError(`conv2dNhwc: input has ${c} channels, the conv expects ${conv.inChannels}`);
  const g = convOutput(conv, h, w);
  const o = conv.outChannels;
  const rows = n * g.oh * g.ow;
  if (x.length < n * h * w * c) throw new RangeError(`conv2dNhwc: input has ${x.length} elements, needs ${n * h * w * c}`);
  if (out.length < rows * o) throw new RangeError(`conv2dNhwc: out has ${out.length} elements, needs ${rows * o}`);
  if (options.residual && options.residual.length < rows * o) throw new RangeError(`conv2dNhwc: residual has ${options.residual.length} elements, needs ${rows * o}`);
  const activation = options.activation ? activationKind(options.activation) : null;
  const [kh, kw] = conv.kernel, [sh, sw] = conv.stride, [dh, dw] = conv.dilation;
  if (conv.depthwise) {
    const args: StorageArg[] = [{ name: 'x', array: x }, { name: 'weight', array: conv.weight }, { name: 'out', array: out, write: true }];
    if (conv.bias) args.push({ name: 'bias', array: conv.bias });
    if (options.residual) args.push({ name: 'residual', array: options.residual });
    const storage = bindStorage(args);
    const config = { bias: !!conv.bias, activation: activation === 'identity' ? null : activation, residual: !!options.residual };
    const count = rows * o;
    const gr = grid(count, DEPTHWISE_THREADS);
    rec.dispatch('depthwiseConv2d', depthwiseShader(config, storage.vars, storage.declarations), storage, depthwiseParams(config), {
      count, gridX: gr[0], h, w, c, o, mult: o / c, oh: g.oh, ow: g.ow, kh, kw, sh, sw, dh, dw, ph: g.padTop, pw: g.padLeft,
      xOff: x.offset, wOff: conv.weight.offset, oOff: out.offset, bOff: conv.bias?.offset ?? 0, rOff: options.residual?.offset ?? 0,
    }, gr);
    return;
  }
  const cg = c / conv.groups, og = o / conv.groups, kk = kh * kw * cg;
  recordGemm(rec, {
    label: 'conv2d', m: rows, n: og, k: kk, inner: conv.groups,
    a: { kind: 'convNhwc', array: x, h, w, c, kw, oh: g.oh, ow: g.ow, sh, sw, dh, dw, padTop: g.padTop, padLeft: g.padLeft, cg },
    b: { array: conv.weight, rowStride: og, inner: kk * og },
    c: { array: out, rowStride: o, inner: og },
    bias: conv.bias ? { array: conv.bias, inner: og } : null,
    activation,
    residual: options.residual ? { array: options.residual, rowStride: o, inner: og } : null,
  });
}

export interface GpuPatchEmbed {
  readonly kind: 'patchEmbed';
  readonly dim: number;
  readonly channels: number;
  readonly patch: readonly [number, number];
  readonly weight: GpuArray; // [channels·ph·pw, dim]
  readonly bias: GpuArray | null; // [dim]
}

export function prepareGpuPatchEmbed(memory: GpuMemory, weight: Float32Array, bias: Float32Array | null, dim: number, channels: number, patch: readonly [number, number]): GpuPatchEmbed {
  const [ph, pw] = pair('preparePatchEmbed', 'patch', patch);
  const kk = channels * ph * pw;
  if (weight.length !== dim * kk) throw new RangeError(`preparePatchEmbed: weight has ${weight.length} elements, expected [${dim},${channels},${ph},${pw}]`);
  if (bias && bias.length !== dim) throw new RangeError(`preparePatchEmbed: bias has ${bias.length} elements, expected ${dim}`);
  return {
    kind: 'patchEmbed', dim, channels, patch: [ph, pw],
    weight: memory.upload(transpose(weight, dim, kk), 'patch weight'), bias: bias ? memory.upload(bias, 'patch bias') : null,
  };
}

export interface GpuPatchEmbedOptions {
  /** Token (b, p) goes to out[(b·tokenStride + tokenOffset + p)·dim …]. Default gh·gw and 0. */
  tokenStride?: number;
  tokenOffset?: number;
}

export function recordPatchEmbed(rec: CommandRecorder, pixels: GpuArray, shape: readonly number[], embed: GpuPatchEmbed, out: GpuArray, options: GpuPatchEmbedOptions = {}): void {
  const [n, c, h, w] = checkShape4('patchEmbed', 'input shape', shape);
  embed.weight.check('patchEmbed');
  if (c !== embed.channels) throw new RangeError(`patchEmbed: pixel values have ${c} channels, the model expects ${embed.channels}`);
  const [ph, pw] = embed.patch;
  const gh = Math.floor(h / ph), gw = Math.floor(w / pw);
  const tokens = gh * gw;
  const stride = options.tokenStride ?? tokens;
  const offset = options.tokenOffset ?? 0;
  if (stride < offset + tokens) throw new RangeError(`patchEmbed: token stride ${stride} leaves no room for ${offset} + ${tokens} tokens`);
  const d = embed.dim;
  const need = n === 0 ? 0 : ((n - 1) * stride + offset + tokens) * d;
  if (out.length < need) throw new RangeError(`patchEmbed: out has ${out.length} elements, needs ${need}`);
  if (n === 0 || tokens === 0) return;
  recordGemm(rec, {
    label: 'patchEmbed', m: tokens, n: d, k: c * ph * pw, outer: n,
    a: { kind: 'patchNchw', array: pixels, c, h, w, kh: ph, kw: pw, gw },
    b: { array: embed.weight, rowStride: d },
    c: { array: out.subarray(offset * d), rowStride: d, outer: stride * d },
    bias: embed.bias ? { array: embed.bias } : null,
  });
}
