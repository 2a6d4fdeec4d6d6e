import { formatShape, type Arena, type Engine, type Tensor } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { FeatureMap } from '../../layers/conv2d.js';
import { Linear } from '../../layers/linear.js';
import { RunState, Serial, fitBatch } from '../../layers/run-state.js';
import { poolFeatureMultiplier, selectAdaptivePool2d } from '../../layers/select-adaptive-pool2d.js';
import { Downsample, ResNetBlock, ResNetStem, type ResNetBuffers, type ResNetRole, type RoleLengths } from './resnet-blocks.js';
import { checkTimmPixels } from './timm-pixels.js';
import { featureOrder, featureTakeIndices, outputFormat } from '../forward-contract.js';
import { withOutputs, type DeviceTensor, type ForwardOutputs } from '../forward-outputs.js';
import type { TimmForwardHeadOptions, TimmForwardIntermediatesOptions, TimmForwardIntermediatesOutput, TimmModel } from './timm-model.js';
import type { TimmResNetArgs } from './timm-resnet-args.js';

/** Features forward_intermediates can take: the stem (after act1) and the four stages. */
const NUM_FEATURES = 5;

const ROLES: readonly ResNetRole[] = ['pixels', 'input', 'stemA', 'stemB', 'xa', 'xb', 't1', 't2', 'pool', 'shortcut', 'cols'];

/** A forward's plan for one input size: buffer floats per image, and the feature shapes (one image, NHWC). */
interface ResNetPlan {
  lengths: RoleLengths;
  features: FeatureMap['shape'][]; // stem after act1, layer1 … layer4
  /** After the stem's max-pool. */
  pooled: FeatureMap['shape'];
}

/**
 * timm's ResNet (resnet.py) assembled from a scope over timm's module tree: stem (`conv1`/`bn1`, deep
 * stems `conv1.{0,1,3,4,6}`), max-pool, `layer1` … `layer4` of BasicBlocks or Bottlenecks (projection
 * shortcut `downsample`, or the ResNet-D average-pool shortcut), global pool, `fc`. The trunk runs
 * channels-last in the engine's memory (a run state reused across forwards); features come out NCHW.
 */
export class TimmResNet implements TimmModel {
  readonly family = 'resnet' as const;
  /** No attention here; kept so every model answers the same contract. */
  attnImplementation: AttentionImplementation = 'fused';
  private readonly state: RunState;
  private readonly serial = new Serial();
  private disposed = false;
  private readonly plans = new Map<string, ResNetPlan>();

  constructor(
    readonly arena: Arena,
    readonly architecture: string,
    readonly args: TimmResNetArgs,
    readonly stem: ResNetStem,
    readonly stages: readonly (readonly ResNetBlock[])[], // layer1 … layer4
    readonly fc: Linear | null, // numFeatures → numClasses; null = Identity
    /** Channels of the last stage (timm's num_features before pooling). */
    readonly featureChannels: number,
  ) {
    this.state = new RunState(arena);
  }

  static async load(arena: Arena, scope: WeightScope, architecture: string, args: TimmResNetArgs, numClasses: number): Promise<TimmResNet> {
    const stem = await ResNetStem.load(arena, scope, args);
    const expansion = ResNetBlock.expansion[args.block];
    let inplanes = stem.outChannels;
    const stages: ResNetBlock[][] = [];
    for (let s = 0; s < 4; s++) {
      const planes = args.channels[s];
      const stride = s === 0 ? 1 : 2;
      const stageScope = scope.pp(`layer${s + 1}`);
      const blocks: ResNetBlock[] = [];
      for (let b = 0; b < args.layers[s]; b++) {
        const blockScope = stageScope.pp(b);
        const needsShortcut = b === 0 && (stride !== 1 || inplanes !== planes * expansion);
        const downsample = needsShortcut ? await Downsample.load(arena, blockScope.pp('downsample'), inplanes, planes * expansion, stride, args) : null;
        blocks.push(await ResNetBlock.load(arena, blockScope, inplanes, planes, b === 0 ? stride : 1, downsample, args));
        inplanes = planes * expansion;
      }
      stages.push(blocks);
    }
    const pooled = inplanes * poolFeatureMultiplier(args.globalPool);
    if (numClasses > 0 && args.globalPool === '') {
      throw new Error(`${architecture}: a classifier needs a global pool (global_pool "" keeps the spatial map)`);
    }
    const fc = numClasses > 0 ? await Linear.load(arena, scope.pp('fc'), pooled, numClasses) : null;
    return new TimmResNet(arena, architecture, args, stem, stages, fc, inplanes);
  }

  get engine(): Engine {
    return this.arena.engine;
  }

  get numClasses(): number {
    return this.fc ? this.fc.outFeatures : 0;
  }

  get numFeatures(): number {
    return this.featureChannels * poolFeatureMultiplier(this.args.globalPool);
  }

  /** timm's forward_features: the last stage's map [batch, channels, h / 32, w / 32]. */
  async forwardFeatures(pixelValues: Tensor): Promise<Tensor> {
    return this.session(async (outputs) => outputs.read((await this.run(pixelValues, this.stages.length, [], 'NCHW', outputs)).final));
  }

  /** timm's forward_head on NCHW features: global pool (flattened) → fc; preLogits stops before fc. */
  async forwardHead(features: Tensor, options: TimmForwardHeadOptions = {}): Promise<Tensor> {
    if (features.shape.length !== 4 || features.shape[1] !== this.featureChannels) {
      throw new RangeError(`forwardHead expects features [batch, ${this.featureChannels}, height, width], got ${formatShape(features.shape)}`);
    }
    if (this.args.globalPool === '') return features.clone(); // no pooling, and then no classifier (rejected at load)
    const [n, c, h, w] = features.shape;
    return this.session(async (outputs) => {
      const nchw = outputs.upload(features);
      const nhwc = outputs.alloc([n, h, w, c]);
      this.engine.ops.transpose({ x: nchw.data, out: nhwc.data, batch: n, rows: c, cols: h * w });
      return outputs.read(this.headDevice({ data: nhwc.data, shape: [n, h, w, c] }, options, outputs));
    });
  }

  /** forwardHead(forwardFeatures(x)), the features staying in engine memory (channels-last): only the logits are read. */
  async forward(pixelValues: Tensor): Promise<Tensor> {
    if (this.args.globalPool === '') return this.forwardFeatures(pixelValues);
    return this.session(async (outputs) => {
      const { final } = await this.run(pixelValues, this.stages.length, [], 'NHWC', outputs);
      const [n, h, w, c] = final.shape;
      return outputs.read(this.headDevice({ data: final.data, shape: [n, h, w, c] }, {}, outputs));
    });
  }

  /**
   * timm's forward_intermediates over [stem after act1 (before the max-pool), layer1, …, layer4] (NCHW only;
   * `norm` has nothing to apply), each taken feature once, in order. `final` is the map after the last
   * stage run (after the max-pool when none ran, as timm's loop leaves it).
   */
  async forwardIntermediates(pixelValues: Tensor, options: TimmForwardIntermediatesOptions = {}): Promise<TimmForwardIntermediatesOutput> {
    outputFormat(options, ['NCHW']);
    const { take, maxIndex } = featureTakeIndices(NUM_FEATURES, options.indices);
    const stages = options.stopEarly ? maxIndex : this.stages.length;
    const features = featureOrder(take);
    return this.session(async (outputs) => {
      const run = await this.run(pixelValues, stages, features, 'NCHW', outputs);
      const intermediates: Tensor[] = [];
      for (const i of features) intermediates.push(await outputs.read(run.features.get(i)!));
      return { final: options.intermediatesOnly ? null : await outputs.read(run.final), intermediates, prefixTokens: null };
    });
  }

  /** The head on channels-last features [n, h, w, c] in engine memory: SelectAdaptivePool2d, then fc. */
  private headDevice(x: FeatureMap, options: TimmForwardHeadOptions, outputs: ForwardOutputs): DeviceTensor {
    const type = this.args.globalPool;
    if (type === '') throw new Error('a ResNet without a global pool has no head');
    const n = x.shape[0];
    const pooled = outputs.alloc([n, x.shape[3] * poolFeatureMultiplier(type)]);
    selectAdaptivePool2d(this.engine, x, type, pooled.data);
    if (options.preLogits || !this.fc) return pooled;
    const logits = outputs.alloc([n, this.fc.outFeatures]);
    this.fc.forward({ x: pooled.data, rows: n, out: logits.data });
    return logits;
  }

  /**
   * The trunk on channels-last maps in the run state, in as few chunks as the engine's memory allows: the
   * stem, the max-pool, `stages` stages. Outputs (whole batch): each feature of `keep` (NCHW) and the final
   * map, NCHW or left channels-last for the head.
   */
  private async run(
    pixelValues: Tensor, stages: number, keep: readonly number[], finalLayout: 'NCHW' | 'NHWC', outputs: ForwardOutputs,
  ): Promise<{ final: DeviceTensor; features: Map<number, DeviceTensor> }> {
    const shape = checkTimmPixels(pixelValues, this.args.inChans);
    const plan = this.plan(shape);
    const [batch, channels, height, width] = shape;
    const nchw = (s: FeatureMap['shape']): number[] => [batch, s[3], s[1], s[2]];
    const features = new Map(keep.map((i) => [i, outputs.alloc(nchw(plan.features[i]))] as const));
    const finalShape = stages === 0 ? plan.pooled : plan.features[stages];
    const final = outputs.alloc(finalLayout === 'NCHW' ? nchw(finalShape) : [batch, finalShape[1], finalShape[2], finalShape[3]]);
    const chunk = await fitBatch(batch, (images) => this.state.reserve(scaled(plan.lengths, images)), `${this.architecture} forward`);
    const buffers: ResNetBuffers = { view: (role, length) => this.state.view(role, length) };
    const engine = this.engine;
    const image = channels * height * width;
    /** Images [b0, b0 + n) of map x (channels-last) into the whole-batch output `out`. */
    const store = (x: FeatureMap, out: DeviceTensor, layout: 'NCHW' | 'NHWC', b0: number): void => {
      const [n, h, w, c] = x.shape;
      const dst = out.data.view(b0 * h * w * c, n * h * w * c);
      if (layout === 'NCHW') engine.ops.transpose({ x: x.data, out: dst, batch: n, rows: h * w, cols: c });
      else engine.ops.copyRows({ x: x.data, out: dst, rows: 1, cols: n * h * w * c });
    };
    for (let b0 = 0; b0 < batch; b0 += chunk) {
      const n = Math.min(chunk, batch - b0);
      const pixels = buffers.view('pixels', n * image);
      engine.write(pixels, pixelValues.data.subarray(b0 * image, (b0 + n) * image));
      const input = buffers.view('input', n * image);
      engine.ops.transpose({ x: pixels, out: input, batch: n, rows: channels, cols: height * width });
      let x = this.stem.forward({ data: input, shape: [n, height, width, channels] }, buffers);
      const kept = (i: number): void => {
        const out = features.get(i);
        if (out) store(x, out, 'NCHW', b0);
      };
      kept(0);
      x = this.stem.maxPool(x, buffers);
      let role: 'xa' | 'xb' = 'xa';
      for (let s = 0; s < stages; s++) {
        for (const block of this.stages[s]) {
          role = role === 'xa' ? 'xb' : 'xa';
          x = block.forward(x, buffers, role);
        }
        kept(s + 1);
      }
      store(x, final, finalLayout, b0);
    }
    return { final, features };
  }

  /** Runs `body` alone on this model (its run state is shared), with outputs freed afterwards. */
  private session<T>(body: (outputs: ForwardOutputs) => Promise<T>): Promise<T> {
    return this.serial.run(async () => {
      if (this.disposed) throw new Error(`${this.architecture}: disposed (its weights were freed)`);
      return withOutputs(this.arena, body);
    });
  }

  /** Frees the packed weights and the run state. */
  async dispose(): Promise<void> {
    await this.serial.run(async () => {
      this.disposed = true;
      this.arena.dispose();
    });
  }

  /** Buffer needs and feature shapes for one image of this size (cached per size). */
  private plan(shape: readonly [number, number, number, number]): ResNetPlan {
    const [, channels, height, width] = shape;
    const key = `${channels}x${height}x${width}`;
    const cached = this.plans.get(key);
    if (cached) return cached;
    const lengths = Object.fromEntries(ROLES.map((r) => [r, 0])) as RoleLengths;
    lengths.pixels = lengths.input = channels * height * width;
    const { stem, pooled } = this.stem.plan([1, height, width, channels], lengths);
    const features: FeatureMap['shape'][] = [stem];
    let s = pooled;
    for (const blocks of this.stages) {
      for (const block of blocks) s = block.plan(s, lengths);
      features.push(s);
    }
    const plan = { lengths, features, pooled };
    this.plans.set(key, plan);
    return plan;
  }
}

function scaled(lengths: RoleLengths, images: number): Record<string, number> {
  return Object.fromEntries(Object.entries(lengths).map(([role, n]) => [role, n * images]));
}
