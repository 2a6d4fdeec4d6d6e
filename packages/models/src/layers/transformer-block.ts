import type { Attention, AttentionOptions } from './attention.js';
import type { BlockScratch } from './block-scratch.js';
import type { LayerNorm } from './layer-norm.js';
import type { Mlp } from './mlp.js';

/**
 * The parts of a pre-norm block. Families name them differently in their checkpoints (HF ViT:
 * layernorm_before / attention / layernorm_after / intermediate+output; timm: norm1 / attn / norm2 /
 * mlp); their loaders map names to these parts. Variants (LayerScale gammas, q/k norms, post-norm)
 * extend this object with optional fields, so existing loaders stay untouched.
 */
export interface TransformerBlockParts {
  norm1: LayerNorm;
  attn: Attention;
  norm2: LayerNorm;
  mlp: Mlp;
}

/** Pre-norm transformer block: h += attn(norm1(h)); h += mlp(norm2(h)). */
export class TransformerBlock {
  readonly norm1: LayerNorm;
  readonly attn: Attention;
  readonly norm2: LayerNorm;
  readonly mlp: Mlp;

  constructor(parts: TransformerBlockParts) {
    ({ norm1: this.norm1, attn: this.attn, norm2: this.norm2, mlp: this.mlp } = parts);
    if (this.mlp.dim !== this.attn.dim) throw new RangeError(`TransformerBlock: attention dim ${this.attn.dim} != MLP dim ${this.mlp.dim}`);
  }

  get dim(): number {
    return this.attn.dim;
  }

  /** Updates the residual stream `h` [batch·tokens, dim] in place. */
  forward(h: Float32Array, batch: number, tokens: number, scratch: BlockScratch, attention: AttentionOptions): void {
    const rows = batch * tokens;
    this.norm1.forward(h, rows, scratch.normed);
    this.attn.forward(scratch.normed, batch, tokens, scratch.mid, scratch, attention, h);
    this.norm2.forward(scratch.mid, rows, scratch.normed);
    this.mlp.forward(scratch.normed, rows, h, scratch.mlpHidden, scratch.mid);
  }
}
