import type { Arena, DeviceArray } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { LayerNorm } from '../../layers/layer-norm.js';
import { Linear } from '../../layers/linear.js';
import { resamplePosEmbed } from '../../layers/pos-embed.js';
import { RunState } from '../../layers/run-state.js';
import type { AttentionImplementation } from '../../layers/attention.js';
import type { TransformerBlock } from '../../layers/transformer-block.js';
import type { DeviceTensor, ForwardOutputs } from '../forward-outputs.js';
import { runTransformer } from '../transformer-run.js';
import { loadViTEncoder } from '../vit/vit-encoder.js';
import type { RandomMasking } from './random-masking.js';
import type { ViTMAEConfig } from './vit-mae-config.js';

/** What one decoder run reads. */
export interface DecoderInput {
  /** The encoder's final-normed kept tokens [batch, 1 + keep, hidden]. */
  latent: DeviceTensor;
  masking: RandomMasking;
  /** Patches of the input's grid (L). */
  patches: number;
  interpolatePosEncoding: boolean;
  implementation: AttentionImplementation;
}

/**
 * transformers' ViTMAEDecoder: decoder_embed of the kept tokens, mask tokens for the removed patches, the
 * sequence un-shuffled with ids_restore (one gather by index, then the mask token written over the removed
 * patches' rows), + decoder_pos_embed (the checkpoint's table; with interpolatePosEncoding resized as a
 * 1 x N row to 1 x L — 1-D bicubic over the flattened sequence, as the reference does), ViT layers,
 * decoder_norm, decoder_pred, [CLS] dropped: logits [batch, L, patch²·channels].
 * Checkpoint: decoder.{decoder_embed, mask_token, decoder_pos_embed, decoder_layers.<i>, decoder_norm, decoder_pred}.
 */
export class ViTMAEDecoder {
  private readonly state: RunState;
  private readonly resized = new Map<number, DeviceArray>();

  constructor(
    readonly arena: Arena,
    readonly config: ViTMAEConfig,
    readonly embed: Linear, // hidden → decoder hidden
    readonly maskToken: DeviceArray, // [decoder hidden]
    readonly positions: DeviceArray, // [1 + numPatches, decoder hidden]
    readonly layers: readonly TransformerBlock[],
    readonly norm: LayerNorm,
    readonly pred: Linear, // decoder hidden → patch²·channels
  ) {
    this.state = new RunState(arena);
  }

  static async load(arena: Arena, scope: WeightScope, config: ViTMAEConfig): Promise<ViTMAEDecoder> {
    const dd = config.decoderHiddenSize;
    const [ph, pw] = config.patchSize2;
    const layerConfig = {
      hiddenSize: dd,
      numAttentionHeads: config.decoderNumAttentionHeads,
      intermediateSize: config.decoderIntermediateSize,
      numHiddenLayers: config.decoderNumHiddenLayers,
      hiddenAct: config.hiddenAct,
      layerNormEps: config.layerNormEps,
      qkvBias: config.qkvBias,
    };
    return new ViTMAEDecoder(
      arena,
      config,
      await Linear.load(arena, scope.pp('decoder_embed'), config.hiddenSize, dd),
      arena.upload(await scope.get('mask_token', [1, 1, dd])),
      arena.upload(await scope.get('decoder_pos_embed', [1, config.numPatches + 1, dd])),
      await loadViTEncoder(arena, scope, layerConfig, 'decoder_layers'),
      await LayerNorm.load(arena, scope.pp('decoder_norm'), dd, config.layerNormEps),
      await Linear.load(arena, scope.pp('decoder_pred'), dd, ph * pw * config.numChannels),
    );
  }

  /** logits [batch, L, patch²·channels] into `outputs`. */
  async forward(input: DecoderInput, outputs: ForwardOutputs): Promise<DeviceTensor> {
    const { latent, masking, patches } = input;
    const [batch, kept1] = latent.shape;
    if (kept1 - 1 !== masking.keep) throw new Error(`ViTMAEDecoder: ${kept1 - 1} kept tokens, the masking kept ${masking.keep}`);
    const tokens = patches + 1;
    const dd = this.config.decoderHiddenSize;
    const d = this.config.hiddenSize;
    const width = this.pred.outFeatures;
    const { unshuffle, removed } = unshuffleRows(masking, batch, patches);
    const positions = this.table(patches, input.interpolatePosEncoding);
    const logits = outputs.alloc([batch, patches, width]);
    const engine = this.arena.engine;
    const state = this.state;
    await runTransformer({
      what: 'ViTMAEDecoder forward', engine, state,
      batch, tokens, dim: dd, mlpDim: this.config.decoderIntermediateSize, heads: this.config.decoderNumAttentionHeads,
      blocks: this.layers, layers: this.layers.length, implementation: input.implementation,
      embedLengths: (images) => ({ decoderIn: images * kept1 * dd, unshuffle: images * tokens, removed: images * tokens, pred: images * tokens * width }),
      embed: (b0, n, h) => {
        const x = state.view('decoderIn', n * kept1 * dd);
        this.embed.forward({ x: latent.data.view(b0 * kept1 * d, n * kept1 * d), rows: n * kept1, out: x });
        const index = state.view('unshuffle', n * tokens);
        engine.write(index, unshuffle.subarray(b0 * tokens, (b0 + n) * tokens));
        engine.ops.gatherRows({ x, index, out: h, batch: n, rows: kept1, count: tokens, dim: dd });
        const mask = state.view('removed', n * tokens);
        engine.write(mask, removed.subarray(b0 * tokens, (b0 + n) * tokens));
        engine.ops.maskTokens({ x: h, mask, token: this.maskToken, rows: n * tokens, dim: dd });
        engine.ops.binaryBroadcast({ a: h, b: positions, out: h, op: 'add', outer: 1, mid: n, inner: tokens * dd });
      },
      finalNorm: (x, rows, out) => this.norm.forward(x, rows, out),
      head: (b0, n, sequence) => {
        const pred = state.view('pred', n * tokens * width);
        this.pred.forward({ x: sequence, rows: n * tokens, out: pred });
        engine.ops.copyRows({ x: pred.view(width), out: logits.data.view(b0 * patches * width), rows: n, cols: patches * width, ldx: tokens * width });
      },
    });
    return logits;
  }

  /** decoder_pos_embed for L patches: the checkpoint's for L = N, else its patch rows resized 1-D (a 1 x N row to 1 x L). */
  private table(patches: number, interpolatePosEncoding: boolean): DeviceArray {
    const n = this.config.numPatches;
    if (patches === n) return this.positions;
    if (!interpolatePosEncoding) throw new RangeError(`ViTMAEDecoder: ${patches} patches, decoder_pos_embed has ${n}; pass interpolatePosEncoding: true`);
    let table = this.resized.get(patches);
    if (!table) {
      table = resamplePosEmbed(this.arena, this.positions, this.config.decoderHiddenSize, 1, [1, n], [1, patches], { mode: 'bicubic', alignCorners: false, antialias: false });
      this.resized.set(patches, table);
    }
    return table;
  }
}

/**
 * The decoder's un-shuffle as a gather: row 0 ([CLS]) from row 0; patch i from kept token 1 + ids_restore[i]
 * when it was kept, else any row (0) that the mask token then overwrites (`removed` = 1 there).
 */
function unshuffleRows(masking: RandomMasking, batch: number, patches: number): { unshuffle: Float32Array; removed: Float32Array } {
  const tokens = patches + 1;
  const unshuffle = new Float32Array(batch * tokens); // [batch, 1 + L]
  const removed = new Float32Array(batch * tokens); // [batch, 1 + L]
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < patches; i++) {
      const rank = masking.idsRestore[b * patches + i];
      unshuffle[b * tokens + 1 + i] = rank < masking.keep ? 1 + rank : 0;
      removed[b * tokens + 1 + i] = masking.mask[b * patches + i];
    }
  }
  return { unshuffle, removed };
}
