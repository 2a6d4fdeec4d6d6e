import { pool2dOutputShape, type ActivationName, type Arena, type DeviceArray, type Engine, type Pool2dArgs } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { Conv2d, type Conv2dSpec, type FeatureMap } from '../../layers/conv2d.js';
import type { TimmResNetArgs } from './timm-resnet-args.js';

/**
 * The pieces of timm's ResNet (resnet.py): stems, BasicBlock / Bottleneck, the two shortcut
 * downsamples. Every eval-mode BatchNorm is folded into the conv before it at load, so conv → bn is
 * one conv with bias (`Conv2d.loadWithBatchNorm`). The trunk runs channels-last: each conv is one GEMM
 * whose epilogue adds the bias, applies the activation (or adds the shortcut), so a block is three GEMMs
 * and one activation pass.
 */

/** The buffers a ResNet forward writes into (named run-state views), sized by `ResNetPlan`. */
export type ResNetRole = 'pixels' | 'input' | 'stemA' | 'stemB' | 'xa' | 'xb' | 't1' | 't2' | 'pool' | 'shortcut' | 'cols';

/** Floats each role needs per image, found by walking the shapes once. */
export type RoleLengths = Record<ResNetRole, number>;

export interface ResNetBuffers {
  view(role: ResNetRole, length: number): DeviceArray;
}

/** A pool's window (the stem's max-pool, ResNet-D's average-pool shortcut). */
type PoolWindow = Pick<Pool2dArgs<unknown>, 'mode' | 'kernel' | 'stride' | 'padding' | 'ceilMode' | 'countIncludePad'>;

/** Output shape of a pool on a map of `shape`. */
function pooledShape(shape: FeatureMap['shape'], window: PoolWindow): FeatureMap['shape'] {
  return pool2dOutputShape({ shape, ...window });
}

/** Runs a pool on x into `role`'s buffer. */
function runPool(engine: Engine, x: FeatureMap, window: PoolWindow, buffers: ResNetBuffers, role: ResNetRole): FeatureMap {
  const shape = pooledShape(x.shape, window);
  const out = buffers.view(role, size(shape));
  engine.ops.pool2d({ x: x.data, shape: x.shape, out, ...window });
  return { data: out, shape };
}

const size = (s: FeatureMap['shape']): number => s[0] * s[1] * s[2] * s[3];

/** Grows `lengths[role]` to hold a map of `shape` (one image). */
function need(lengths: RoleLengths, role: ResNetRole, shape: FeatureMap['shape']): void {
  lengths[role] = Math.max(lengths[role], size(shape));
}

function needCols(lengths: RoleLengths, conv: Conv2d, shape: FeatureMap['shape']): void {
  lengths.cols = Math.max(lengths.cols, conv.scratchLength(shape));
}

/** Runs `conv` on x into `role`'s buffer (its workspace in 'cols'). */
function runConv(conv: Conv2d, x: FeatureMap, buffers: ResNetBuffers, role: ResNetRole, activation?: ActivationName, residual?: DeviceArray): FeatureMap {
  const out = conv.outputShape(x.shape);
  const cols = conv.scratchLength(x.shape);
  return conv.forward(x, buffers.view(role, size(out)), { activation, residual, scratch: cols > 0 ? buffers.view('cols', cols) : undefined });
}

/** Conv `<conv>` followed by BatchNorm `<bn>` (torch's default eps 1e-5), folded. */
function convBn(arena: Arena, conv: WeightScope, bn: WeightScope, spec: Conv2dSpec): Promise<Conv2d> {
  return Conv2d.loadWithBatchNorm(arena, conv, bn, spec);
}

/** timm's get_padding(kernel, stride, dilation=1). */
function padding(kernel: number, stride: number): number {
  return Math.floor((stride - 1 + (kernel - 1)) / 2);
}

/** nn.MaxPool2d(kernel_size=3, stride=2, padding=1). */
const STEM_POOL: PoolWindow = { mode: 'max', kernel: [3, 3], stride: [2, 2], padding: [1, 1] };

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

  static async load(arena: Arena, scope: WeightScope, a: TimmResNetArgs): Promise<ResNetStem> {
    const bn1 = scope.pp('bn1');
    if (a.stemType === '') {
      const spec = { inChannels: a.inChans, outChannels: 64, kernel: 7, stride: 2, padding: 3 };
      return new ResNetStem([await convBn(arena, scope.pp('conv1'), bn1, spec)], a.actLayer);
    }
    const w = a.stemWidth;
    const [c0, c1] = a.stemType === 'deep_tiered' ? [3 * Math.floor(w / 4), w] : [w, w];
    const seq = scope.pp('conv1');
    return new ResNetStem(
      [
        await convBn(arena, seq.pp(0), seq.pp(1), { inChannels: a.inChans, outChannels: c0, kernel: 3, stride: 2, padding: 1 }),
        await convBn(arena, seq.pp(3), seq.pp(4), { inChannels: c0, outChannels: c1, kernel: 3, stride: 1, padding: 1 }),
        await convBn(arena, seq.pp(6), bn1, { inChannels: c1, outChannels: 2 * w, kernel: 3, stride: 1, padding: 1 }),
      ],
      a.actLayer,
    );
  }

  /** Shapes of the stem's output (after act1) and of the max-pool, recording buffer needs. */
  plan(shape: FeatureMap['shape'], lengths: RoleLengths): { stem: FeatureMap['shape']; pooled: FeatureMap['shape'] } {
    let s = shape;
    this.convs.forEach((conv, i) => {
      needCols(lengths, conv, s);
      s = conv.outputShape(s);
      need(lengths, i % 2 === 0 ? 'stemA' : 'stemB', s);
    });
    const pooled = pooledShape(s, STEM_POOL);
    need(lengths, 'xa', pooled);
    return { stem: s, pooled };
  }

  /** conv → bn → act (each conv, the activation in the GEMM epilogue): the stem feature after act1. */
  forward(x: FeatureMap, buffers: ResNetBuffers): FeatureMap {
    let h = x;
    for (let i = 0; i < this.convs.length; i++) h = runConv(this.convs[i], h, buffers, i % 2 === 0 ? 'stemA' : 'stemB', this.activation);
    return h;
  }

  /** nn.MaxPool2d(kernel_size=3, stride=2, padding=1), into the first block's input buffer. */
  maxPool(x: FeatureMap, buffers: ResNetBuffers): FeatureMap {
    return runPool(this.convs[0].engine, x, STEM_POOL, buffers, 'xa');
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

  static async load(arena: Arena, scope: WeightScope, inChannels: number, outChannels: number, stride: number, a: TimmResNetArgs): Promise<Downsample> {
    if (a.avgDown) {
      const conv = await convBn(arena, scope.pp(1), scope.pp(2), { inChannels, outChannels, kernel: 1 });
      return new Downsample(conv, stride === 1 ? 0 : stride);
    }
    const kernel = stride === 1 ? 1 : a.downKernelSize;
    const spec = { inChannels, outChannels, kernel, stride, padding: padding(kernel, stride) };
    return new Downsample(await convBn(arena, scope.pp(0), scope.pp(1), spec), 0);
  }

  /** AvgPool2d(2, stride, ceil_mode=True, count_include_pad=False). */
  private get pool(): PoolWindow {
    return { mode: 'avg', kernel: [2, 2], stride: [this.avgPoolStride, this.avgPoolStride], ceilMode: true, countIncludePad: false };
  }

  plan(shape: FeatureMap['shape'], lengths: RoleLengths): void {
    let s = shape;
    if (this.avgPoolStride) {
      s = pooledShape(s, this.pool);
      need(lengths, 'pool', s);
    }
    needCols(lengths, this.conv, s);
    need(lengths, 'shortcut', this.conv.outputShape(s));
  }

  /** The shortcut of x, in the 'shortcut' buffer. */
  forward(x: FeatureMap, buffers: ResNetBuffers): FeatureMap {
    const input = this.avgPoolStride ? runPool(this.conv.engine, x, this.pool, buffers, 'pool') : x;
    return runConv(this.conv, input, buffers, 'shortcut');
  }
}

/** timm's BasicBlock (expansion 1) or Bottleneck (expansion 4), from `layer<s>.<b>`. */
export class ResNetBlock {
  readonly engine: Engine;

  constructor(
    readonly convs: readonly Conv2d[], // conv1, conv2 (, conv3), BatchNorms folded in
    readonly downsample: Downsample | null,
    readonly activation: ActivationName,
  ) {
    this.engine = convs[0].engine;
  }

  static readonly expansion = { basic: 1, bottleneck: 4 } as const;

  static async load(arena: Arena, scope: WeightScope, inplanes: number, planes: number, stride: number, downsample: Downsample | null, a: TimmResNetArgs): Promise<ResNetBlock> {
    const outplanes = planes * ResNetBlock.expansion[a.block];
    if (a.block === 'basic') {
      const first = Math.floor(planes / a.blockReduceFirst);
      return new ResNetBlock(
        [
          await convBn(arena, scope.pp('conv1'), scope.pp('bn1'), { inChannels: inplanes, outChannels: first, kernel: 3, stride, padding: 1 }),
          await convBn(arena, scope.pp('conv2'), scope.pp('bn2'), { inChannels: first, outChannels: outplanes, kernel: 3, padding: 1 }),
        ],
        downsample,
        a.actLayer,
      );
    }
    const width = Math.floor(planes * (a.baseWidth / 64)) * a.cardinality;
    const first = Math.floor(width / a.blockReduceFirst);
    return new ResNetBlock(
      [
        await convBn(arena, scope.pp('conv1'), scope.pp('bn1'), { inChannels: inplanes, outChannels: first, kernel: 1 }),
        await convBn(arena, scope.pp('conv2'), scope.pp('bn2'), { inChannels: first, outChannels: width, kernel: 3, stride, padding: 1, groups: a.cardinality }),
        await convBn(arena, scope.pp('conv3'), scope.pp('bn3'), { inChannels: width, outChannels: outplanes, kernel: 1 }),
      ],
      downsample,
      a.actLayer,
    );
  }

  /** The block's output shape, recording buffer needs (the output goes to 'xa' or 'xb', whichever the input is not). */
  plan(shape: FeatureMap['shape'], lengths: RoleLengths): FeatureMap['shape'] {
    let s = shape;
    this.convs.forEach((conv, i) => {
      needCols(lengths, conv, s);
      s = conv.outputShape(s);
      if (i < this.convs.length - 1) need(lengths, i === 0 ? 't1' : 't2', s);
    });
    this.downsample?.plan(shape, lengths);
    need(lengths, 'xa', s);
    need(lengths, 'xb', s);
    return s;
  }

  /**
   * act(convs(x) + shortcut(x)), the activation fused after every conv but the last, whose epilogue adds
   * the shortcut; the output goes to buffer `outRole`.
   */
  forward(x: FeatureMap, buffers: ResNetBuffers, outRole: 'xa' | 'xb'): FeatureMap {
    const shortcut = this.downsample ? this.downsample.forward(x, buffers) : x;
    let h = x;
    const last = this.convs.length - 1;
    for (let i = 0; i < last; i++) h = runConv(this.convs[i], h, buffers, i === 0 ? 't1' : 't2', this.activation);
    const outShape = this.convs[last].outputShape(h.shape);
    if (size(outShape) !== shortcut.data.length || outShape.some((d, i) => d !== shortcut.shape[i])) {
      throw new RangeError(`ResNet block: residual [${outShape.join(',')}] and shortcut [${shortcut.shape.join(',')}] differ`);
    }
    const out = runConv(this.convs[last], h, buffers, outRole, undefined, shortcut.data);
    this.engine.ops.activation({ x: out.data, out: out.data, activation: this.activation });
    return out;
  }
}
