import { Tensor, formatShape, nchwToNhwc, nhwcToNchw, type Arena, type Engine } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { FeatureMap } from '../../layers/conv2d.js';
import { Linear } from '../../layers/linear.js';
import { RunState, Serial, fitBatch } from '../../layers/run-state.js';
import { poolFeatureMultiplier, selectAdaptivePool2d } from '../../layers/select-adaptive-pool2d.js';
import { Downsample, ResNetBlock, ResNetStem, type ResNetBuffers, type ResNetRole, type RoleLengths } from './resnet-blocks.js';
import { checkTimmPixels } from './timm-pixels.js';
import {
  featureTakeIndices,
  type TimmForwardHeadOptions,
  type TimmForwardIntermediatesOptions,
  type TimmForwardIntermediatesOutput,
  type TimmModel,
} from './timm-model.js';
import type { TimmResNetArgs } from './timm-resnet-args.js';

/** Features forward_intermediates can take: the stem (after act1) and the four stages. */
const NUM_FEATURES = 5;

const ROLES: readonly ResNetRole[] = ['input', 'stemA', 'stemB', 'xa', 'xb', 't1', 't2', 'pool', 'shortcut', 'cols'];

/** A forward's plan for one input size: buffer floats per image, and the feature shapes (one image, NHWC). */
interface ResNetPlan {
  lengths: RoleLengths;
  features: FeatureMap['shape'][]; // stem after act1, layer1 … layer4
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
    return (await this.forwardIntermediates(pixelValues, { indices: [NUM_FEATURES - 1] })).final!;
  }

  /** timm's forward_head: global pool (flattened) → fc; preLogits stops before fc. */
  async forwardHead(features: Tensor, options: TimmForwardHeadOptions = {}): Promise<Tensor> {
    if (features.shape.length !== 4 || features.shape[1] !== this.featureChannels) {
      throw new RangeError(`forwardHead expects features [batch, ${this.featureChannels}, height, width], got ${formatShape(features.shape)}`);
    }
    const type = this.args.globalPool;
    if (type === '') return features.clone(); // no pooling, and then no classifier (rejected at load)
    const pooled = selectAdaptivePool2d({ data: features.data, shape: [features.shape[0], features.shape[1], features.shape[2], features.shape[3]] }, type);
    const x = new Tensor(pooled.data, pooled.shape);
    if (options.preLogits || !this.fc) return x;
    const logits = Tensor.zeros([x.shape[0], this.fc.outFeatures]);
    await this.fc.forward(x.data, x.shape[0], logits.data);
    return logits;
  }

  async forward(pixelValues: Tensor): Promise<Tensor> {
    return this.forwardHead(await this.forwardFeatures(pixelValues));
  }

  /**
   * timm's forward_intermediates over [stem after act1 (before the max-pool), layer1, …, layer4]
   * (NCHW only; `norm` has nothing to apply). `final` is the output of the last stage run.
   */
  async forwardIntermediates(pixelValues: Tensor, options: TimmForwardIntermediatesOptions = {}): Promise<TimmForwardIntermediatesOutput> {
    if ((options.outputFmt ?? 'NCHW') !== 'NCHW') throw new RangeError('a ResNet gives NCHW intermediates only (outputFmt "NCHW")');
    const { take, maxIndex } = featureTakeIndices(NUM_FEATURES, options.indices);
    const shape = checkTimmPixels(pixelValues, this.args.inChans);
    const stages = options.stopEarly ? maxIndex : this.stages.length;
    return this.serial.run(async () => {
      if (this.disposed) throw new Error(`${this.architecture}: disposed (its weights were freed)`);
      const plan = this.plan(shape);
      const [batch, channels, height, width] = shape;
      // Every requested feature (and the last one run), NCHW for the whole batch; chunks write their images.
      const wanted = new Set([...take, stages]);
      const outputs = new Map<number, Tensor>();
      for (const i of wanted) {
        const [, h, w, c] = plan.features[i];
        outputs.set(i, Tensor.zeros([batch, c, h, w]));
      }
      const chunk = fitBatch(batch, (images) => this.state.reserve(scaled(plan.lengths, images)), `${this.architecture} forward`);
      const buffers: ResNetBuffers = { view: (role, length) => this.state.view(role, length) };
      for (let b0 = 0; b0 < batch; b0 += chunk) {
        const n = Math.min(chunk, batch - b0);
        const image = channels * height * width;
        const input = buffers.view('input', n * image);
        nchwToNhwc(pixelValues.data.subarray(b0 * image, (b0 + n) * image), [n, channels, height, width], input);
        const keep = (i: number, x: FeatureMap): void => {
          const out = outputs.get(i);
          if (out) nhwcToNchw(x.data, x.shape, out.data.subarray(b0 * (out.size / batch), (b0 + n) * (out.size / batch)));
        };
        let x = await this.stem.forward({ data: input, shape: [n, height, width, channels] }, buffers);
        keep(0, x);
        x = ResNetStem.maxPool(x, buffers);
        let role: 'xa' | 'xb' = 'xa';
        for (let s = 0; s < stages; s++) {
          for (const block of this.stages[s]) {
            role = role === 'xa' ? 'xb' : 'xa';
            x = await block.forward(x, buffers, role);
          }
          keep(s + 1, x);
        }
      }
      return {
        final: options.intermediatesOnly ? null : outputs.get(stages)!,
        intermediates: take.map((i) => outputs.get(i)!),
        prefixTokens: null,
      };
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
    lengths.input = channels * height * width;
    const { stem, pooled } = this.stem.plan([1, height, width, channels], lengths);
    const features: FeatureMap['shape'][] = [stem];
    let s = pooled;
    for (const blocks of this.stages) {
      for (const block of blocks) s = block.plan(s, lengths);
      features.push(s);
    }
    const plan = { lengths, features };
    this.plans.set(key, plan);
    return plan;
  }
}

function scaled(lengths: RoleLengths, images: number): Record<string, number> {
  return Object.fromEntries(Object.entries(lengths).map(([role, n]) => [role, n * images]));
}
