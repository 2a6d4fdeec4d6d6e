/**
 * The kernels every backend builds the same way from its linear kernel: a conv is im2row (channels-last)
 * then one strided linear per group, a patch embedding is a patch gather then one linear per image. The
 * gathers are plain TypeScript over the engine's arrays; the GEMMs are the backend's.
 */

import { checkLength, checkShape4, pair } from '../kernels/check.js';
import {
  convGeometry, convSpec, gatherPatches, im2rowLength, im2rowNhwc, isPointwise, nchwToNhwc, nhwcToNchw, weightToNhwc, type ConvSpec,
} from '../kernels/im2row.js';
import type { Conv2dOptions } from '../kernels/output-shapes.js';
import type { Conv2dNhwcOptions, LinearOptions, PatchEmbedOptions, PreparedConv2d, PreparedLinear, PreparedPatchEmbed } from './engine.js';

/** A conv as one prepared linear per group (weights in im2row's column order). */
export class GroupedConv implements PreparedConv2d {
  readonly kind = 'conv2d';
  readonly outChannels: number;
  readonly inChannels: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly groups: number;

  constructor(spec: ConvSpec, readonly linears: readonly PreparedLinear[]) {
    ({ outChannels: this.outChannels, inChannels: this.inChannels, kernel: this.kernel, stride: this.stride } = spec);
    ({ padding: this.padding, dilation: this.dilation, groups: this.groups } = spec);
  }
}

/** A patch embedding as one prepared linear over gathered patches. */
export class PatchLinear implements PreparedPatchEmbed {
  readonly kind = 'patchEmbed';
  constructor(
    readonly linear: PreparedLinear, // [dim, channels·ph·pw]
    readonly dim: number,
    readonly channels: number,
    readonly patch: readonly [number, number],
  ) {}
}

type PrepareLinear = (weight: Float32Array, bias: Float32Array | null, outFeatures: number, inFeatures: number) => PreparedLinear;

/** Reorders a torch conv weight per group to [og, kh, kw, cg] and prepares each group as a linear. */
export function prepareGroupedConv(prepare: PrepareLinear, weight: Float32Array, wShape: readonly number[], bias: Float32Array | null, options: Conv2dOptions = {}): GroupedConv {
  const spec = convSpec(wShape, options);
  const [o, cg, kh, kw] = wShape;
  const og = o / spec.groups;
  const kk = cg * kh * kw;
  checkLength('prepareConv2d', 'weight', weight, o * kk);
  if (bias) checkLength('prepareConv2d', 'bias', bias, o);
  const reordered = new Float32Array(og * kk);
  const linears: PreparedLinear[] = [];
  for (let g = 0; g < spec.groups; g++) {
    weightToNhwc(weight, g * og * kk, og, cg, kh, kw, reordered);
    linears.push(prepare(reordered, bias ? bias.subarray(g * og, (g + 1) * og) : null, og, kk));
  }
  return new GroupedConv(spec, linears);
}

export function preparePatchLinear(prepare: PrepareLinear, weight: Float32Array, bias: Float32Array | null, dim: number, channels: number, patch: readonly [number, number]): PatchLinear {
  const [ph, pw] = pair('preparePatchEmbed', 'patch', patch);
  if (weight.length !== dim * channels * ph * pw) {
    throw new RangeError(`preparePatchEmbed: weight has ${weight.length} elements, expected [${dim},${channels},${ph},${pw}]`);
  }
  return new PatchLinear(prepare(weight, bias, dim, channels * ph * pw), dim, channels, [ph, pw]);
}

/** What the composite kernels need from a backend. */
export interface CompositeHost {
  linear(x: Float32Array, rows: number, layer: PreparedLinear, out: Float32Array, options?: LinearOptions): Promise<void>;
  /** Engine memory for a temporary (freed with `releaseTemp`), preferably beside `near`'s. */
  temp(length: number, near?: Float32Array): Float32Array;
  releaseTemp(array: Float32Array): void;
}

export async function conv2dNhwc(host: CompositeHost, x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array, options: Conv2dNhwcOptions = {}): Promise<void> {
  if (!(conv instanceof GroupedConv)) throw new TypeError('conv2dNhwc: the conv was not prepared by an engine arena');
  const g = convGeometry(xShape, conv);
  const rows = g.n * g.oh * g.ow;
  checkLength('conv2dNhwc', 'input', x, g.n * g.h * g.w * g.c);
  checkLength('conv2dNhwc', 'out', out, rows * g.o);
  if (options.residual) checkLength('conv2dNhwc', 'residual', options.residual, rows * g.o);
  const cg = g.c / g.groups;
  const og = g.o / g.groups;
  let a = x;
  let lda = g.c;
  let groupColumns = cg;
  let temp: Float32Array | null = null;
  if (!isPointwise(conv)) {
    const length = im2rowLength(xShape, conv);
    if (options.scratch && options.scratch.length >= length) a = options.scratch;
    else a = temp = host.temp(length, out);
    im2rowNhwc(x, g, a);
    lda = g.kh * g.kw * g.c;
    groupColumns = g.kh * g.kw * cg;
  }
  try {
    if (rows === 0) return;
    for (let grp = 0; grp < g.groups; grp++) {
      // A residual that is `out` itself must be read in place; a group's columns are disjoint from the others'.
      await host.linear(a.subarray(grp * groupColumns), rows, conv.linears[grp], out.subarray(grp * og), {
        activation: options.activation,
        residual: options.residual ? options.residual.subarray(grp * og) : null,
        ldx: lda, ldo: g.o, ldr: g.o,
      });
    }
  } finally {
    if (temp) host.releaseTemp(temp);
  }
}

/** NCHW in and out, through the channels-last conv. */
export async function conv2dNchw(host: CompositeHost, x: Float32Array, xShape: readonly number[], conv: PreparedConv2d, out: Float32Array): Promise<void> {
  const [n, c, h, w] = checkShape4('conv2d', 'input shape', xShape);
  if (!(conv instanceof GroupedConv)) throw new TypeError('conv2d: the conv was not prepared by an engine arena');
  const g = convGeometry([n, h, w, c], conv);
  checkLength('conv2d', 'input', x, n * c * h * w);
  checkLength('conv2d', 'out', out, n * g.o * g.oh * g.ow);
  const xt = host.temp(n * c * h * w, out);
  const yt = host.temp(n * g.o * g.oh * g.ow, out);
  try {
    nchwToNhwc(x, xShape, xt);
    await conv2dNhwc(host, xt, [n, h, w, c], conv, yt);
    nhwcToNchw(yt, [n, g.oh, g.ow, g.o], out);
  } finally {
    host.releaseTemp(yt);
    host.releaseTemp(xt);
  }
}

export async function patchEmbed(host: CompositeHost, pixels: Float32Array, shape: readonly number[], embed: PreparedPatchEmbed, out: Float32Array, options: PatchEmbedOptions = {}): Promise<void> {
  if (!(embed instanceof PatchLinear)) throw new TypeError('patchEmbed: the embedding was not prepared by an engine arena');
  const [n, c, h, w] = checkShape4('patchEmbed', 'input shape', shape);
  if (c !== embed.channels) throw new RangeError(`patchEmbed: pixel values have ${c} channels, the model expects ${embed.channels}`);
  const [ph, pw] = embed.patch;
  const tokens = Math.floor(h / ph) * Math.floor(w / pw);
  const stride = options.tokenStride ?? tokens;
  const offset = options.tokenOffset ?? 0;
  if (stride < offset + tokens) throw new RangeError(`patchEmbed: token stride ${stride} leaves no room for ${offset} + ${tokens} tokens`);
  const d = embed.dim;
  checkLength('patchEmbed', 'out', out, n === 0 ? 0 : ((n - 1) * stride + offset + tokens) * d);
  const width = c * ph * pw;
  const length = n * tokens * width;
  const scratch = options.scratch && options.scratch.length >= length ? options.scratch : null;
  const rows = scratch ?? host.temp(length, out);
  try {
    gatherPatches(pixels, shape, [ph, pw], rows);
    if (tokens === 0) return;
    if (stride === tokens && offset === 0) {
      await host.linear(rows, n * tokens, embed.linear, out);
      return;
    }
    if (n === 1) {
      await host.linear(rows, tokens, embed.linear, out.subarray(offset * d, (offset + tokens) * d));
      return;
    }
    // One GEMM over every image's patches (a few large calls beat many small ones), then each image's
    // tokens move after its prefix.
    const dense = host.temp(n * tokens * d, out);
    try {
      await host.linear(rows, n * tokens, embed.linear, dense);
      for (let b = 0; b < n; b++) out.set(dense.subarray(b * tokens * d, (b + 1) * tokens * d), (b * stride + offset) * d);
    } finally {
      host.releaseTemp(dense);
    }
  } finally {
    if (!scratch) host.releaseTemp(rows);
  }
}
