/**
 * Op `depthwiseConv2d`: the depthwise convolution of MobileNet / EfficientNet / ConvNeXt blocks (torch's
 * nn.Conv2d with groups = in_channels = out_channels) on channels-last maps, x [n, h, w, c] → out
 * [n, oh, ow, c], with conv2d's fused epilogue: + bias, the activation, then + residual. Any kernel, stride
 * and dilation; zero padding symmetric ([h, w] pixels) or TensorFlow's 'same' (the extra pixel at the
 * bottom / right), as op conv2d. The weight is [kh, kw, c] (`depthwiseWeight`: torch's [c, 1, kh, kw] with
 * the channels last, the order of a pixel's channels in the input), in engine memory as any array.
 */

import { activationReference, checkActivationName } from './activation.js';
import type { ActivationName } from './activation-name.js';
import { checkLength } from './check.js';
import { convGeometry, convSpec, type Conv2dOptions, type ConvGeometry, type ConvSpec } from './conv2d.js';
import { declareOp, type Sized } from './op.js';

export interface DepthwiseConv2dArgs<A> {
  /** [n, h, w, c]. */
  x: A;
  shape: readonly [number, number, number, number];
  /** Kernel, stride, padding, dilation (`depthwiseSpec`; groups = in = out channels). */
  spec: ConvSpec;
  /** [kh, kw, c] (`depthwiseWeight`). */
  weight: A;
  /** [c] or null. */
  bias?: A | null;
  /** [n, oh, ow, c] (conv2dOutputShape); must not overlap x. */
  out: A;
  activation?: ActivationName;
  /** [n, oh, ow, c], added after the activation; may be `out` itself. */
  residual?: A | null;
}

/** The spec of a depthwise conv over `channels` channels (options as op conv2d's, without groups). */
export function depthwiseSpec(channels: number, kernel: number | readonly [number, number], options: Omit<Conv2dOptions, 'groups'> = {}): ConvSpec {
  const [kh, kw] = typeof kernel === 'number' ? [kernel, kernel] : kernel;
  return convSpec([channels, 1, kh, kw], { ...options, groups: channels });
}

/** True when `spec` is a depthwise conv (one input channel per output channel, none shared). */
export function isDepthwise(spec: ConvSpec): boolean {
  return spec.groups === spec.inChannels && spec.groups === spec.outChannels;
}

/** torch's depthwise weight [c, 1, kh, kw] → [kh, kw, c]. */
export function depthwiseWeight(weight: Float32Array, spec: ConvSpec): Float32Array {
  const c = spec.outChannels, [kh, kw] = spec.kernel;
  if (!isDepthwise(spec)) throw new RangeError(`depthwiseWeight: the spec is not depthwise (groups ${spec.groups}, channels ${spec.inChannels} → ${spec.outChannels})`);
  checkLength('depthwiseWeight', 'weight', weight, c * kh * kw);
  const out = new Float32Array(c * kh * kw);
  for (let ch = 0; ch < c; ch++) for (let t = 0; t < kh * kw; t++) out[t * c + ch] = weight[ch * kh * kw + t];
  return out;
}

/** Checks the input shape against the spec and resolves every size (conv2d's geometry, this op's errors). */
export function depthwiseGeometry(shape: readonly number[], spec: ConvSpec): ConvGeometry {
  if (!isDepthwise(spec)) throw new RangeError(`depthwiseConv2d: spec is not depthwise (groups ${spec.groups}, channels ${spec.inChannels} → ${spec.outChannels}); use depthwiseSpec`);
  try {
    return convGeometry(shape, spec);
  } catch (error) {
    throw new RangeError((error as Error).message.replace(/^conv2d/, 'depthwiseConv2d'));
  }
}

export const depthwiseConv2d = declareOp({
  name: 'depthwiseConv2d',
  outputs: ['out'],
  check(a: DepthwiseConv2dArgs<Sized>): void {
    const g = depthwiseGeometry(a.shape, a.spec);
    checkLength('depthwiseConv2d', 'x', a.x, g.n * g.h * g.w * g.c);
    checkLength('depthwiseConv2d', 'weight', a.weight, g.kh * g.kw * g.c);
    checkLength('depthwiseConv2d', 'out', a.out, g.n * g.oh * g.ow * g.c);
    if (a.bias) checkLength('depthwiseConv2d', 'bias', a.bias, g.c);
    if (a.residual) checkLength('depthwiseConv2d', 'residual', a.residual, g.n * g.oh * g.ow * g.c);
    if (a.activation !== undefined) checkActivationName('depthwiseConv2d', a.activation);
  },
  /** Direct convolution, float64 sums from the bias over the taps in (ky, kx) order, then activation → residual in float32. */
  reference(a: DepthwiseConv2dArgs<Float32Array>): void {
    const g = depthwiseGeometry(a.shape, a.spec);
    const { c } = g;
    const pixel = new Float32Array(c);
    const sum = new Float64Array(c);
    for (let b = 0; b < g.n; b++) {
      for (let oy = 0; oy < g.oh; oy++) {
        for (let ox = 0; ox < g.ow; ox++) {
          for (let ch = 0; ch < c; ch++) sum[ch] = a.bias ? a.bias[ch] : 0;
          for (let ky = 0; ky < g.kh; ky++) {
            const y = oy * g.sh - g.padTop + ky * g.dh;
            if (y < 0 || y >= g.h) continue;
            for (let kx = 0; kx < g.kw; kx++) {
              const xx = ox * g.sw - g.padLeft + kx * g.dw;
              if (xx < 0 || xx >= g.w) continue;
              const src = ((b * g.h + y) * g.w + xx) * c, wo = (ky * g.kw + kx) * c;
              for (let ch = 0; ch < c; ch++) sum[ch] += a.x[src + ch] * a.weight[wo + ch];
            }
          }
          pixel.set(sum);
          if (a.activation) activationReference(a.activation, pixel, pixel);
          const o = ((b * g.oh + oy) * g.ow + ox) * c;
          if (a.residual) for (let ch = 0; ch < c; ch++) pixel[ch] += a.residual[o + ch];
          a.out.set(pixel, o);
        }
      }
    }
  },
});
