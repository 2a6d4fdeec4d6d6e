import { Tensor, type Arena } from '@purevit/core';
import type { ModelRepo, WeightMap, WeightScope } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { LayerNorm } from '../../layers/layer-norm.js';
import { EncoderModel, type EncoderInputs } from '../encoder/encoder-model.js';
import type { PerImageInput } from '../encoder/token-embeddings.js';
import type { DeviceTensor } from '../forward-outputs.js';
import { loadFromRepo } from '../load-context.js';
import { resolveAttnImplementation, type LoadOptions } from '../load-options.js';
import { buildFromWeights } from '../model-arena.js';
import type { BaseModelOutputWithPooling } from '../model-outputs.js';
import { checkPixelValues } from '../tensor-utils.js';
import { loadViTEncoder } from '../vit/vit-encoder.js';
import { randomMasking, type RandomMasking } from './random-masking.js';
import { adaptViTMAECheckpoint } from './vit-mae-checkpoint.js';
import { ViTMAEConfig } from './vit-mae-config.js';
import { KEPT_PATCHES, ViTMAEEmbeddings } from './vit-mae-embeddings.js';

export interface ViTMAEModelLoadOptions extends LoadOptions {
  /** Use this config instead of the repo's config.json. */
  config?: ViTMAEConfig;
}

/** ViTMAEModel's forward arguments. */
export interface ViTMAEModelInputs extends Omit<EncoderInputs, 'boolMaskedPos'> {
  /**
   * [batch, numPatches]: the random masking keeps the patches with the smallest noise. Absent: uniform
   * random noise (as torch.rand), so the masking differs from call to call.
   */
  noise?: Tensor | null;
}

/** transformers' ViTMAEModelOutput (poolerOutput is always null: ViTMAE has no pooler). */
export interface ViTMAEModelOutput extends BaseModelOutputWithPooling {
  /** [batch, numPatches]: 1 where the patch was removed, 0 where the encoder saw it. */
  mask: Tensor;
  /** [batch, numPatches]: each patch's position in the noise order (integers; transformers' int64). */
  idsRestore: Tensor;
}

/** What one forward's random masking decided (host bookkeeping; the gathers are ops). */
export interface MaskingPlan {
  masking: RandomMasking;
  patches: number;
  /** The per-image input of the kept patches' numbers. */
  kept: PerImageInput;
}

/**
 * transformers' ViTMAEModel: patch embeddings + positions, random masking by `noise` (the encoder sees
 * only int(L·(1 − mask_ratio)) patches and [CLS]), ViT layers, final LayerNorm. Returns the encoded kept
 * tokens, `mask` and `idsRestore`. Checkpoint names: embeddings.*, encoder.layer.<i>.*, layernorm.*.
 */
export class ViTMAEModel extends EncoderModel<ViTMAEConfig> {
  static async fromPretrained(idOrPath: string, options: ViTMAEModelLoadOptions = {}): Promise<ViTMAEModel> {
    return ViTMAEModel.fromRepo(await openRepo(idOrPath, options), options);
  }

  static async fromRepo(repo: ModelRepo, options: ViTMAEModelLoadOptions = {}): Promise<ViTMAEModel> {
    return loadFromRepo('ViTMAEModel', repo, options, (dict) => ViTMAEConfig.fromDict(dict), ViTMAEModel.fromWeights);
  }

  /** Builds the model from an in-memory weight map (transformers' key names, with or without "vit."). */
  static async fromWeights(config: ViTMAEConfig, weights: WeightMap, options: ViTMAEModelLoadOptions = {}): Promise<ViTMAEModel> {
    return buildFromWeights(adaptViTMAECheckpoint(weights), options, (arena, root) => ViTMAEModel.load(arena, root, config, options));
  }

  /** Builds the model into `arena` from a scope at its root (`vit` inside ViTMAEForPreTraining). */
  static async load(arena: Arena, scope: WeightScope, config: ViTMAEConfig, options: LoadOptions = {}): Promise<ViTMAEModel> {
    const embeddings = await ViTMAEEmbeddings.load(arena, scope.pp('embeddings'), config);
    const encoder = await loadViTEncoder(arena, scope.pp('encoder'), config);
    const layernorm = await LayerNorm.load(arena, scope.pp('layernorm'), config.hiddenSize, config.layerNormEps);
    return new ViTMAEModel('ViTMAEModel', arena, config, embeddings, encoder, layernorm, config.intermediateSize, resolveAttnImplementation(options));
  }

  /** ViTMAE has no pooler. */
  poolDevice(): DeviceTensor | null {
    return null;
  }

  override async forward(inputs: ViTMAEModelInputs): Promise<ViTMAEModelOutput> {
    const { noise, ...rest } = inputs;
    const plan = this.planMasking(rest.pixelValues, noise ?? null, rest.interpolatePosEncoding ?? false);
    const { heads, hiddenStates, attentions } = await this.run(rest, (encoded) => ({ lastHiddenState: encoded.final }), [plan.kept]);
    return { lastHiddenState: heads.lastHiddenState!, poolerOutput: null, hiddenStates, attentions, ...maskingOutputs(plan) };
  }

  /** forwardFeatures / forwardIntermediates mask as transformers' forward does without noise: at random. */
  protected override defaultInputs(inputs: EncoderInputs): PerImageInput[] {
    return [this.planMasking(inputs.pixelValues, null, inputs.interpolatePosEncoding ?? false).kept];
  }

  /** The random masking of a forward: from `noise` [batch, patches], or uniform random noise. */
  planMasking(pixelValues: Tensor, noise: Tensor | null, interpolatePosEncoding: boolean): MaskingPlan {
    const [batch, , height, width] = checkPixelValues(pixelValues, this.config.numChannels);
    const grid = this.embeddings.grid(height, width, interpolatePosEncoding);
    const patches = grid[0] * grid[1];
    let values: Float32Array;
    if (noise) {
      if (!(noise instanceof Tensor) || noise.shape.length !== 2 || noise.shape[0] !== batch || noise.shape[1] !== patches) {
        throw new RangeError(`noise must be a Tensor [batch, patches] = [${batch}, ${patches}], got ${noise instanceof Tensor ? `[${noise.shape.join(', ')}]` : typeof noise}`);
      }
      values = noise.data;
    } else {
      values = Float32Array.from({ length: batch * patches }, () => Math.random());
    }
    const keep = this.config.keptPatches(patches);
    const masking = randomMasking(values, batch, patches, keep);
    return { masking, patches, kept: { name: KEPT_PATCHES, values: Float32Array.from(masking.idsKeep), width: keep } };
  }
}

/** mask and idsRestore as tensors [batch, patches]. */
export function maskingOutputs(plan: MaskingPlan): { mask: Tensor; idsRestore: Tensor } {
  const batch = plan.masking.mask.length / plan.patches;
  return {
    mask: new Tensor(plan.masking.mask, [batch, plan.patches]),
    idsRestore: new Tensor(Float32Array.from(plan.masking.idsRestore), [batch, plan.patches]),
  };
}
