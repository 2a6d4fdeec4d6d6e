import { Tensor, formatShape } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { FeatureMap } from '../../layers/conv2d.js';
import { Linear } from '../../layers/linear.js';
import { poolFeatureMultiplier, selectAdaptivePool2d } from '../../layers/select-adaptive-pool2d.js';
import { Downsample, ResNetBlock, ResNetStem } from './resnet-blocks.js';
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

function toTensor(x: FeatureMap): Tensor {
  return new Tensor(x.data, x.shape);
}

/**
 * timm's ResNet (resnet.py) assembled from a scope over timm's module tree: stem (`conv1`/`bn1`, deep
 * stems `conv1.{0,1,3,4,6}`), max-pool, `layer1` … `layer4` of BasicBlocks or Bottlenecks (projection
 * shortcut `downsample`, or the ResNet-D average-pool shortcut), global pool, `fc`.
 */
export class TimmResNet implements TimmModel {
  readonly family = 'resnet' as const;
  /** No attention here; kept so every model answers the same contract. */
  attnImplementation: AttentionImplementation = 'fused';

  constructor(
    readonly architecture: string,
    readonly args: TimmResNetArgs,
    readonly stem: ResNetStem,
    readonly stages: readonly (readonly ResNetBlock[])[], // layer1 … layer4
    readonly fc: Linear | null, // numFeatures → numClasses; null = Identity
    /** Channels of the last stage (timm's num_features before pooling). */
    readonly featureChannels: number,
  ) {}

  static async load(scope: WeightScope, architecture: string, args: TimmResNetArgs, numClasses: number): Promise<TimmResNet> {
    const stem = await ResNetStem.load(scope, args);
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
        const downsample = needsShortcut ? await Downsample.load(blockScope.pp('downsample'), inplanes, planes * expansion, stride, args) : null;
        blocks.push(await ResNetBlock.load(blockScope, inplanes, planes, b === 0 ? stride : 1, downsample, args));
        inplanes = planes * expansion;
      }
      stages.push(blocks);
    }
    const pooled = inplanes * poolFeatureMultiplier(args.globalPool);
    if (numClasses > 0 && args.globalPool === '') {
      throw new Error(`${architecture}: a classifier needs a global pool (global_pool "" keeps the spatial map)`);
    }
    const fc = numClasses > 0 ? await Linear.load(scope.pp('fc'), pooled, numClasses) : null;
    return new TimmResNet(architecture, args, stem, stages, fc, inplanes);
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
    this.fc.forward(x.data, x.shape[0], logits.data);
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
    const intermediates: Tensor[] = [];
    let x: FeatureMap = this.stem.forward({ data: pixelValues.data, shape });
    if (take.includes(0)) intermediates.push(toTensor(x));
    x = ResNetStem.maxPool(x);
    const stages = options.stopEarly ? maxIndex : this.stages.length;
    for (let s = 0; s < stages; s++) {
      for (const block of this.stages[s]) x = block.forward(x);
      if (take.includes(s + 1)) intermediates.push(toTensor(x));
    }
    return { final: options.intermediatesOnly ? null : toTensor(x), intermediates, prefixTokens: null };
  }
}
