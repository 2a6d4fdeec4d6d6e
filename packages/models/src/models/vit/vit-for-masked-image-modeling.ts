import { Tensor, formatShape, pixelShuffle } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { Linear } from '../../layers/linear.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import type { MaskedImageModelingOutput } from '../model-outputs.js';
import { boolMaskValues, scalar } from '../tensor-utils.js';
import { ViTConfig } from './vit-config.js';
import type { ForwardHeadOptions, ViTModel, ViTModelInputs } from './vit-model.js';
import { ViTTaskModel, buildViTTaskModel } from './vit-task-model.js';

export interface ViTForMaskedImageModelingLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: ViTConfig;
}

const HEAD_MODULES = ['decoder'];

/**
 * transformers' ViTForMaskedImageModeling (SimMIM): ViTModel with a mask token and no pooler; the
 * patch tokens, as a square grid, go through `decoder.0` (1×1 conv to stride²·channels) and a pixel
 * shuffle by encoder_stride. With boolMaskedPos the loss is the L1 error over masked pixels.
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
    const encoded = await this.vit.encode(inputs);
    const reconstruction = await this.reconstruct(encoded.lastHiddenState);
    const loss = inputs.boolMaskedPos ? this.maskedLoss(inputs.pixelValues, reconstruction, boolMaskValues(inputs.boolMaskedPos)) : null;
    return { loss, reconstruction, hiddenStates: encoded.hiddenStates, attentions: encoded.attentions };
  }

  /** timm's forward_features: the final-normed token sequence [batch, tokens, hidden]. */
  async forwardFeatures(pixelValues: Tensor, options: Omit<ViTModelInputs, 'pixelValues'> = {}): Promise<Tensor> {
    return this.vit.forwardFeatures(pixelValues, options);
  }

  /** timm's forward_head: the decoder's reconstruction; with preLogits the token features it reads. */
  async forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return options.preLogits ? features : await this.reconstruct(features);
  }

  /** Patch tokens of `sequence` [batch, 1 + side², hidden] → pixels [batch, channels, side·stride, side·stride]. */
  private async reconstruct(sequence: Tensor): Promise<Tensor> {
    const [batch, tokens, d] = sequence.shape;
    const patches = tokens - 1;
    // transformers reshapes the tokens into a square of side floor(sqrt(n)); any other count cannot reshape.
    const side = Math.floor(Math.sqrt(patches));
    if (side * side !== patches) {
      throw new RangeError(`cannot reshape ${patches} patch tokens into a square grid for the MIM decoder`);
    }
    const o = this.decoder.outFeatures;
    const tokenMajor = new Float32Array(patches * o); // [side·side, o] one image at a time
    const conv = new Float32Array(batch * o * patches); // [batch, o, side, side]
    for (let b = 0; b < batch; b++) {
      await this.decoder.forward(sequence.data.subarray((b * tokens + 1) * d, (b + 1) * tokens * d), patches, tokenMajor);
      const image = conv.subarray(b * o * patches, (b + 1) * o * patches);
      for (let p = 0; p < patches; p++) for (let c = 0; c < o; c++) image[c * patches + p] = tokenMajor[p * o + c];
    }
    const r = this.config.encoderStride;
    const out = Tensor.zeros([batch, o / (r * r), side * r, side * r]);
    pixelShuffle(conv, [batch, o, side, side], r, out.data);
    return out;
  }

  /**
   * sum(|pixels − reconstruction| · mask) / (sum(mask) + 1e-5) / channels, where the patch mask is
   * upsampled to pixels with ONE channel axis: sum(mask) counts masked pixels, not pixel-channels.
   */
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
    let weighted = 0;
    let maskedPixels = 0;
    for (let b = 0; b < batch; b++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          if (!boolMaskedPos[b * gh * gw + Math.floor(y / patchH) * gw + Math.floor(x / patchW)]) continue;
          maskedPixels++;
          for (let c = 0; c < channels; c++) {
            const i = ((b * channels + c) * height + y) * width + x;
            weighted += Math.abs(pixels.data[i] - reconstruction.data[i]);
          }
        }
      }
    }
    return scalar(weighted / (maskedPixels + 1e-5) / channels);
  }
}
