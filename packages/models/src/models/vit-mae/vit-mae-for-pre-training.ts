import { maePixelLoss, type Tensor } from '@purevit/core';
import type { ModelRepo, WeightMap } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { EncoderTaskModel, buildTaskModel } from '../encoder/encoder-task-model.js';
import type { ForwardHeadOptions } from '../forward-contract.js';
import { loadFromRepo } from '../load-context.js';
import type { LoadOptions } from '../load-options.js';
import { scalar } from '../tensor-utils.js';
import { VIT_MAE_BACKBONE, VIT_MAE_DECODER, adaptViTMAECheckpoint } from './vit-mae-checkpoint.js';
import { ViTMAEConfig } from './vit-mae-config.js';
import { ViTMAEDecoder } from './vit-mae-decoder.js';
import { ViTMAEModel, maskingOutputs, type ViTMAEModelInputs } from './vit-mae-model.js';

export interface ViTMAEForPreTrainingLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: ViTMAEConfig;
}

/** transformers' ViTMAEForPreTrainingOutput. */
export interface ViTMAEForPreTrainingOutput {
  /** The pixel loss on the removed patches (0-d). */
  loss: Tensor;
  /** [batch, numPatches, patch²·channels]: every patch reconstructed, in (p, q, c) order. */
  logits: Tensor;
  mask: Tensor;
  idsRestore: Tensor;
  /** The encoder's (the decoder's are not returned, as in transformers). */
  hiddenStates: Tensor[] | null;
  attentions: Tensor[] | null;
}

/**
 * transformers' ViTMAEForPreTraining: ViTMAEModel under `vit.` (random masking by `noise`), ViTMAEDecoder
 * under `decoder.`, and the pixel loss (norm_pix_loss as configured), computed on the CPU from the logits
 * read back.
 */
export class ViTMAEForPreTraining extends EncoderTaskModel<ViTMAEConfig, ViTMAEModel> {
  constructor(
    config: ViTMAEConfig,
    vit: ViTMAEModel,
    readonly decoder: ViTMAEDecoder,
  ) {
    super(config, vit);
  }

  static async fromPretrained(idOrPath: string, options: ViTMAEForPreTrainingLoadOptions = {}): Promise<ViTMAEForPreTraining> {
    return ViTMAEForPreTraining.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTMAEForPreTrainingLoadOptions = {}): Promise<ViTMAEForPreTraining> {
    return loadFromRepo('ViTMAEForPreTraining', repo, options, (dict) => ViTMAEConfig.fromDict(dict), ViTMAEForPreTraining.fromWeights);
  }

  static async fromWeights(config: ViTMAEConfig, weights: WeightMap, options: ViTMAEForPreTrainingLoadOptions = {}): Promise<ViTMAEForPreTraining> {
    return buildTaskModel(
      adaptViTMAECheckpoint(weights, VIT_MAE_DECODER), options, VIT_MAE_BACKBONE,
      (arena, scope) => ViTMAEModel.load(arena, scope, config, options),
      async (arena, root, vit) => new ViTMAEForPreTraining(config, vit, await ViTMAEDecoder.load(arena, root.pp('decoder'), config)),
    );
  }

  async forward(inputs: ViTMAEModelInputs): Promise<ViTMAEForPreTrainingOutput> {
    const { noise, ...rest } = inputs;
    const interpolate = rest.interpolatePosEncoding ?? false;
    const vit = this.backbone;
    const plan = vit.planMasking(rest.pixelValues, noise ?? null, interpolate);
    const [batch, channels, height, width] = rest.pixelValues.shape;
    const patch = this.config.patchSize2;
    // ViTMAEForPreTraining.patchify's own check (only interpolate_pos_encoding lifts it).
    if (!interpolate && (height !== width || height % patch[0] !== 0)) {
      throw new RangeError('ViTMAEForPreTraining: Make sure the pixel values have a squared size that is divisible by the patch size');
    }
    const { heads, hiddenStates, attentions } = await vit.run(
      rest,
      async (encoded, outputs) => ({
        logits: await this.decoder.forward(
          { latent: encoded.final, masking: plan.masking, patches: plan.patches, interpolatePosEncoding: interpolate, implementation: vit.attnImplementation },
          outputs,
        ),
      }),
      [plan.kept],
    );
    const logits = heads.logits!;
    const loss = maePixelLoss(rest.pixelValues.data, [batch, channels, height, width], logits.data, plan.masking.mask, patch, this.config.normPixLoss);
    return { loss: scalar(loss), logits, ...maskingOutputs(plan), hiddenStates, attentions };
  }

  /** timm's forward_head on the encoder's features (ViTMAE has no head): the [CLS] token. */
  forwardHead(features: Tensor, options: ForwardHeadOptions = {}): Promise<Tensor> {
    return this.backbone.forwardHead(features, options);
  }
}
