import { interpolate, type Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { PatchEmbed } from '../../layers/patch-embed.js';
import type { ViTConfig } from './vit-config.js';

/**
 * transformers' ViTEmbeddings: [CLS] + patch tokens (masked ones replaced by the mask token) +
 * position embeddings, resampled to the input's patch grid on request.
 * Checkpoint names: embeddings.{patch_embeddings.projection, cls_token, position_embeddings, mask_token}.
 */
export class ViTEmbeddings {
  /** Patch grid → resampled patch position embeddings [gh·gw, dim]; resampling is deterministic. */
  private readonly resampled = new Map<string, Float32Array>();

  constructor(
    readonly patchEmbeddings: PatchEmbed,
    readonly clsToken: Float32Array, // [dim]
    readonly positionEmbeddings: Float32Array, // [1 + numPositions, dim]
    readonly maskToken: Float32Array | null, // [dim]
    readonly imageSize: readonly [number, number],
    readonly numPositions: number,
  ) {}

  static async load(arena: Arena, scope: WeightScope, config: ViTConfig, useMaskToken: boolean): Promise<ViTEmbeddings> {
    const d = config.hiddenSize;
    const n = config.numPatches;
    const projection = await PatchEmbed.load(arena, scope.pp('patch_embeddings').pp('projection'), d, config.numChannels, config.patchSize2);
    const cls = await scope.get('cls_token', [1, 1, d]);
    const mask = useMaskToken ? await scope.get('mask_token', [1, 1, d]) : null;
    const positions = await scope.get('position_embeddings', [1, n + 1, d]);
    return new ViTEmbeddings(projection, cls, positions, mask, config.imageSize2, n);
  }

  get dim(): number {
    return this.patchEmbeddings.dim;
  }

  /** Patch grid for an input size; without interpolation the size must be the training resolution. */
  grid(height: number, width: number, interpolatePosEncoding: boolean): [number, number] {
    if (!interpolatePosEncoding && (height !== this.imageSize[0] || width !== this.imageSize[1])) {
      throw new RangeError(
        `Input image size (${height}*${width}) doesn't match model (${this.imageSize[0]}*${this.imageSize[1]}); ` +
          'resize the image or pass interpolatePosEncoding: true',
      );
    }
    const [gh, gw] = this.patchEmbeddings.grid(height, width);
    if (gh < 1 || gw < 1) throw new RangeError(`Input image size (${height}*${width}) is smaller than one patch`);
    return [gh, gw];
  }

  /**
   * out[batch, 1 + gh·gw, dim] = embeddings of `pixels` [batch, C, H, W]. `boolMaskedPos`
   * [batch, gh·gw] (non-zero = masked) replaces those patch tokens by the mask token.
   */
  async forward(
    pixels: Float32Array,
    shape: readonly [number, number, number, number],
    out: Float32Array,
    boolMaskedPos: ArrayLike<number> | null,
    interpolatePosEncoding: boolean,
    scratch?: Float32Array,
  ): Promise<void> {
    const [batch, , height, width] = shape;
    const [gh, gw] = this.grid(height, width, interpolatePosEncoding);
    const patches = gh * gw;
    const tokens = patches + 1;
    const d = this.dim;
    await this.patchEmbeddings.forward(pixels, shape, out, tokens, 1, scratch);
    if (boolMaskedPos) this.applyMask(out, batch, patches, boolMaskedPos);
    const patchPositions = interpolatePosEncoding ? this.patchPositions(gh, gw, height, width) : this.positionEmbeddings.subarray(d);
    for (let b = 0; b < batch; b++) {
      const row = b * tokens * d;
      for (let i = 0; i < d; i++) out[row + i] = this.clsToken[i] + this.positionEmbeddings[i];
      for (let i = 0; i < patches * d; i++) out[row + d + i] += patchPositions[i];
    }
  }

  private applyMask(out: Float32Array, batch: number, patches: number, mask: ArrayLike<number>): void {
    if (!this.maskToken) {
      throw new Error('boolMaskedPos needs a mask token: load the model with useMaskToken: true (ViTForMaskedImageModeling does)');
    }
    if (mask.length !== batch * patches) {
      throw new RangeError(`boolMaskedPos has ${mask.length} entries, expected batch × patches = ${batch} × ${patches}`);
    }
    const d = this.dim;
    const tokens = patches + 1;
    for (let b = 0; b < batch; b++) {
      for (let p = 0; p < patches; p++) {
        if (mask[b * patches + p]) out.set(this.maskToken, (b * tokens + 1 + p) * d);
      }
    }
  }

  /**
   * Patch position embeddings for a gh × gw grid, as transformers' interpolate_pos_encoding: kept
   * when the patch count matches and the image is square, otherwise the square grid is resized
   * bicubically (align_corners=False, no antialias) to (H // patch, W // patch).
   */
  private patchPositions(gh: number, gw: number, height: number, width: number): Float32Array {
    const d = this.dim;
    const table = this.positionEmbeddings.subarray(d);
    if (gh * gw === this.numPositions && height === width) return table;
    const key = `${gh}x${gw}`;
    const cached = this.resampled.get(key);
    if (cached) return cached;
    const side = Math.floor(Math.sqrt(this.numPositions));
    if (side * side !== this.numPositions) {
      throw new RangeError(`cannot interpolate ${this.numPositions} position embeddings: they do not form a square grid`);
    }
    // [side·side, d] token-major → [1, d, side, side] for F.interpolate, and back.
    const nchw = new Float32Array(d * side * side);
    for (let p = 0; p < side * side; p++) for (let c = 0; c < d; c++) nchw[c * side * side + p] = table[p * d + c];
    const resized = new Float32Array(d * gh * gw);
    interpolate(nchw, [1, d, side, side], gh, gw, { mode: 'bicubic', alignCorners: false, antialias: false }, resized);
    const result = new Float32Array(gh * gw * d);
    for (let c = 0; c < d; c++) for (let p = 0; p < gh * gw; p++) result[p * d + c] = resized[c * gh * gw + p];
    this.resampled.set(key, result);
    return result;
  }
}
