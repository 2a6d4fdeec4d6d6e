import { applyActivation, maxPool2d, maxPool2dOutputShape, type ActivationName } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { avgPool2d } from '../../layers/avg-pool2d.js';
import { Conv2d, type Conv2dSpec, type FeatureMap } from '../../layers/conv2d.js';
import type { TimmResNetArgs } from './timm-resnet-args.js';

/**
 * The pieces of timm's ResNet (resnet.py): stems, BasicBlock / Bottleneck, the two shortcut
 * downsamples. Every eval-mode BatchNorm is folded into the conv before it at load, so conv → bn is
 * one conv with bias (`Conv2d.loadWithBatchNorm`).
 */

/** Conv `<conv>` followed by BatchNorm `<bn>` (torch's default eps 1e-5), folded. */
async function convBn(conv: WeightScope, bn: WeightScope, spec: Conv2dSpec): Promise<Conv2d> {
  return Conv2d.loadWithBatchNorm(conv, bn, spec);
}

/** In place. */
function act(x: FeatureMap, name: ActivationName): FeatureMap {
  applyActivation(name, x.data, x.data);
  return x;
}

/** timm's get_padding(kernel, stride, dilation=1). */
function padding(kernel: number, stride: number): number {
  return Math.floor((stride - 1 + (kernel - 1)) / 2);
}

/**
 * The stem up to act1 (`conv1`, `bn1`, `act1`; deep stems: `conv1.{0,1,3,4,6}` then `bn1`), and the
 * stem max-pool (3x3, stride 2, padding 1) run separately so forward_intermediates can see act1.
 */
export class ResNetStem {
  constructor(
    readonly convs: readonly Conv2d[], // each followed by the activation
    readonly activation: ActivationName,
  ) {}

  /** Output channels (timm's inplanes after the stem: 64, or 2·stem_width for deep stems). */
  get outChannels(): number {
    return this.convs[this.convs.length - 1].spec.outChannels;
  }

  static async load(scope: WeightScope, a: TimmResNetArgs): Promise<ResNetStem> {
    const bn1 = scope.pp('bn1');
    if (a.stemType === '') {
      const spec = { inChannels: a.inChans, outChannels: 64, kernel: 7, stride: 2, padding: 3 };
      return new ResNetStem([await convBn(scope.pp('conv1'), bn1, spec)], a.actLayer);
    }
    const w = a.stemWidth;
    const [c0, c1] = a.stemType === 'deep_tiered' ? [3 * Math.floor(w / 4), w] : [w, w];
    const seq = scope.pp('conv1');
    return new ResNetStem(
      [
        await convBn(seq.pp(0), seq.pp(1), { inChannels: a.inChans, outChannels: c0, kernel: 3, stride: 2, padding: 1 }),
        await convBn(seq.pp(3), seq.pp(4), { inChannels: c0, outChannels: c1, kernel: 3, stride: 1, padding: 1 }),
        await convBn(seq.pp(6), bn1, { inChannels: c1, outChannels: 2 * w, kernel: 3, stride: 1, padding: 1 }),
      ],
      a.actLayer,
    );
  }

  /** conv → bn → act (each conv): the stem feature after act1 (before the max-pool). */
  forward(x: FeatureMap): FeatureMap {
    let h = x;
    for (const conv of this.convs) h = act(conv.forward(h), this.activation);
    return h;
  }

  /** nn.MaxPool2d(kernel_size=3, stride=2, padding=1). */
  static maxPool(x: FeatureMap): FeatureMap {
    const options = { kernel: 3, stride: 2, padding: 1 };
    const shape = maxPool2dOutputShape(x.shape, options);
    const data = new Float32Array(shape[0] * shape[1] * shape[2] * shape[3]);
    maxPool2d(x.data, x.shape, options, data);
    return { data, shape };
  }
}

/**
 * The projection shortcut of a stage's first block: `downsample_conv` (`downsample.0` conv k×k with
 * stride, `downsample.1` bn) or, with avg_down, `downsample_avg` (AvgPool2d(2, stride, ceil_mode) as
 * `downsample.0`, then 1x1 conv `downsample.1` and bn `downsample.2`).
 */
export class Downsample {
  constructor(
    readonly conv: Conv2d,
    readonly avgPoolStride: number, // 0 = no pooling (downsample_conv, or avg_down at stride 1)
  ) {}

  static async load(scope: WeightScope, inChannels: number, outChannels: number, stride: number, a: TimmResNetArgs): Promise<Downsample> {
    if (a.avgDown) {
      const conv = await convBn(scope.pp(1), scope.pp(2), { inChannels, outChannels, kernel: 1 });
      return new Downsample(conv, stride === 1 ? 0 : stride);
    }
    const kernel = stride === 1 ? 1 : a.downKernelSize;
    const spec = { inChannels, outChannels, kernel, stride, padding: padding(kernel, stride) };
    return new Downsample(await convBn(scope.pp(0), scope.pp(1), spec), 0);
  }

  forward(x: FeatureMap): FeatureMap {
    return this.conv.forward(this.avgPoolStride ? avgPool2d(x, 2, this.avgPoolStride, true) : x);
  }
}

/** timm's BasicBlock (expansion 1) or Bottleneck (expansion 4), from `layer<s>.<b>`. */
export class ResNetBlock {
  constructor(
    readonly convs: readonly Conv2d[], // conv1, conv2 (, conv3), BatchNorms folded in
    readonly downsample: Downsample | null,
    readonly activation: ActivationName,
  ) {}

  static readonly expansion = { basic: 1, bottleneck: 4 } as const;

  static async load(scope: WeightScope, inplanes: number, planes: number, stride: number, downsample: Downsample | null, a: TimmResNetArgs): Promise<ResNetBlock> {
    const outplanes = planes * ResNetBlock.expansion[a.block];
    if (a.block === 'basic') {
      const first = Math.floor(planes / a.blockReduceFirst);
      return new ResNetBlock(
        [
          await convBn(scope.pp('conv1'), scope.pp('bn1'), { inChannels: inplanes, outChannels: first, kernel: 3, stride, padding: 1 }),
          await convBn(scope.pp('conv2'), scope.pp('bn2'), { inChannels: first, outChannels: outplanes, kernel: 3, padding: 1 }),
        ],
        downsample,
        a.actLayer,
      );
    }
    const width = Math.floor(planes * (a.baseWidth / 64)) * a.cardinality;
    const first = Math.floor(width / a.blockReduceFirst);
    return new ResNetBlock(
      [
        await convBn(scope.pp('conv1'), scope.pp('bn1'), { inChannels: inplanes, outChannels: first, kernel: 1 }),
        await convBn(scope.pp('conv2'), scope.pp('bn2'), { inChannels: first, outChannels: width, kernel: 3, stride, padding: 1, groups: a.cardinality }),
        await convBn(scope.pp('conv3'), scope.pp('bn3'), { inChannels: width, outChannels: outplanes, kernel: 1 }),
      ],
      downsample,
      a.actLayer,
    );
  }

  /** act(convs(x) + shortcut(x)), with the activation after every conv but the last. */
  forward(x: FeatureMap): FeatureMap {
    let h = x;
    this.convs.forEach((conv, i) => {
      h = conv.forward(h);
      if (i < this.convs.length - 1) act(h, this.activation);
    });
    const shortcut = this.downsample ? this.downsample.forward(x) : x;
    if (shortcut.data.length !== h.data.length) {
      throw new RangeError(`ResNet block: residual [${h.shape.join(',')}] and shortcut [${shortcut.shape.join(',')}] differ`);
    }
    for (let i = 0; i < h.data.length; i++) h.data[i] += shortcut.data[i];
    return act(h, this.activation);
  }
}
