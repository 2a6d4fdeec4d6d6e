import { formatShape, maskedPixelL1Loss, type Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { Linear } from '../../layers/linear.js';
import type { ForwardHeadOptions } from '../forward-contract.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import type { MaskedImageModelingOutput } from '../model-outputs.js';
import { boolMaskValues, scalar } from '../tensor-utils.js';
import { ViTConfig } from './vit-config.js';
import { checkSequence, type ViTModel, type ViTModelInputs } from './vit-model.js';
import { ViTTaskModel, buildViTTaskModel } from './vit-task-model.js';

export interface ViTForMaskedImageModelingLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: ViTConfig;
}

const HEAD_MODULES = ['decoder'];

/**
 * transformers' ViTForMaskedImageModeling (SimMIM): ViTModel with a mask token and no pooler; the
 * patch tokens, as a square grid, go through `decoder.0` (1×1 conv to stride²·channels) and a pixel
 * shuffle by encoder_stride. With boolMaskedPos the loss is the L1 error over masked pixels, computed on the
 * CPU from the reconstruction read back (maskedPixelL1Loss).
 */
export class ViTForMaskedImageModeling extends ViTTaskModel {
  constructor(
    config: ViTConfig,
    vit: ViTModel,
    /** The 1×1 conv as a linear over tokens: hidden → stride²·channels. */
    readonly decoder: Linear,
  ) {
    super(config, vit);
  }

  static async fromPretrained(idOrPath: string, options: ViTForMaskedImageModelingLoadOptions = {}): Promise<ViTForMaskedImageModeling> {
    return ViTForMaskedImageModeling.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTForMaskedImageModelingLoadOptions = {}): Promise<ViTForMaskedImageModeling> {
    return loadFromRepo('ViTForMaskedImageModeling', repo, options, (dict) => ViTConfig.fromDict(dict), ViTForMaskedImageModeling.fromWeights);
  }

  static async fromWeights(config: ViTConfig, weights: WeightMap, options: ViTForMaskedImageModelingLoadOptions = {}): Promise<ViTForMaskedImageModeling> {
    return buildViTTaskModel(config, weights, HEAD_MODULES, options, { useMaskToken: true }, async (arena, root, vit) => {
      const d = config.hiddenSize;
      const outChannels = config.encoderStride ** 2 * config.numChannels;
      const conv = root.pp('decoder').pp(0);
      const decoder = new Linear(arena, {
        weight: await conv.get('weight', [outChannels, d, 1, 1]),
        bias: await conv.get('bias', [outChannels]),
        outFeatures: outChannels,
        inFeatures: d,
      });
      return new ViTForMaskedImageModeling(config, vit, decoder);
    });
  }

  async forward(inputs: ViTModelInputs): Promise<MaskedImageModelingOutput> {
    const config = this.config;
    const [patchH, patchW] = config.patchSize2;
    if (inputs.boolMaskedPos && (patchH !== config.encoderStride || patchW !== config.encoderStride)) {
      throw new Error(
        'When boolMaskedPos is provided, patch_size must be equal to encoder_stride to ensure that the reconstructed image ' +
          `has the same dimensions as the input. Got patch_size = ${JSON.stringify(config.patchSize)} and encoder_stride = ${config.encoderStride}.`,
      );
    }
    const vit = this.vit;
    const out = await vit.session(async (outputs) => {
      const { wantHidden, wantAttentions } = vit.wants(inputs);
      const encoded = await vit.encodeInto(inputs, { hidden: wantHidden ? vit.allHidden() : [], attentions: wantAttentions }, outputs);
      const reconstruction = this.reconstruct(encoded.final, outputs);
      const hiddenStates: Tensor[] = [];
      for (const t of encoded.hidden.values()) hiddenStates.push(await outputs.read(t));
      const attentions: Tensor[] = [];
      for (const t of encoded.attentions ?? []) attentions.push(await outputs.read(t));
      return { reconstruction: await outputs.read(reconstruction), hiddenStates: wantHidden ? hiddenStates : null, attentions: encoded.attentions ? attentions : null };
    });
    const loss = inputs.boolMaskedPos ? this.maskedLoss(inputs.pixelValues, out.reconstruction, boolMaskValues(inputs.boolMaskedPos)) : null;
    return { loss, ...out };
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues'> = {}): Promise<Tensor> {
    return this.vit.forwardFeatures(pixelValues, options);
  }

  /** timm's forward_head: the decoder's reconstruction; with preLogits the token features it reads. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    if (options.preLogits) return features;
    return this.vit.session(async (outputs) => outputs.read(this.reconstruct(outputs.upload(checkSequence(features, this.config.hiddenSize)), outputs)));
  }

  /**
   * Patch tokens of `sequence` [batch, 1 + side², hidden] → pixels [batch, channels, side·stride, side·stride]:
   * the tokens gathered (copyRows), the 1×1 conv as one GEMM over them, token-major → NCHW (transpose), then
   * the pixel shuffle.
   */
  private reconstruct(sequence: DeviceTensor, outputs: ForwardOutputs): DeviceTensor {
    const engine = outputs.arena.engine;
    const [batch, tokens, d] = sequence.shape;
    const patches = tokens - 1;
    // transformers reshapes the tokens into a square of side floor(sqrt(n)); any other count cannot reshape.
    const side = Math.floor(Math.sqrt(patches));
    if (side * side !== patches) {
      throw new RangeError(`cannot reshape ${patches} patch tokens into a square grid for the MIM decoder`);
    }
    const o = this.decoder.outFeatures;
    const r = this.config.encoderStride;
    const patchTokens = outputs.alloc([batch * patches, d]);
    engine.ops.copyRows({ x: sequence.data.view(d), out: patchTokens.data, rows: batch, cols: patches * d, ldx: tokens * d });
    const tokenMajor = outputs.alloc([batch, patches, o]);
    this.decoder.forward({ x: patchTokens.data, rows: batch * patches, out: tokenMajor.data });
    const conv = outputs.alloc([batch, o, side, side]);
    engine.ops.transpose({ x: tokenMajor.data, out: conv.data, batch, rows: patches, cols: o });
    const out = outputs.alloc([batch, o / (r * r), side * r, side * r]);
    engine.ops.pixelShuffle({ x: conv.data, shape: [batch, o, side, side], factor: r, out: out.data });
    return out;
  }

  /** SimMIM's masked L1 loss on the CPU, with transformers' checks on the mask and the sizes. */
  private maskedLoss(pixels: Tensor, reconstruction: Tensor, boolMaskedPos: ArrayLike<number>): Tensor {
    const [imageH, imageW] = this.config.imageSize2;
    const [patchH, patchW] = this.config.patchSize2;
    const gh = Math.floor(imageH / patchH);
    const gw = Math.floor(imageW / patchW);
    const [batch, channels, height, width] = pixels.shape;
    if (boolMaskedPos.length !== batch * gh * gw) {
      throw new RangeError(`boolMaskedPos has ${boolMaskedPos.length} entries, expected batch × (image_size // patch_size)² = ${batch} × ${gh * gw}`);
    }
    if (formatShape(reconstruction.shape) !== formatShape(pixels.shape) || height !== gh * patchH || width !== gw * patchW) {
      throw new RangeError(
        `the masked loss needs pixelValues ${formatShape(pixels.shape)}, the reconstruction ${formatShape(reconstruction.shape)} ` +
          `and the patch mask (${gh * patchH}×${gw * patchW} pixels) to have one size`,
      );
    }
    return scalar(maskedPixelL1Loss(pixels.data, reconstruction.data, [batch, channels, height, width], boolMaskedPos, [patchH, patchW]));
  }
}
