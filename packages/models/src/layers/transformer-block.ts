import type { DeviceArray } from '@purevit/core';
import type { Attention, AttentionOptions } from './attention.js';
import type { BlockScratch } from './block-scratch.js';
import type { LayerNorm } from './layer-norm.js';
import type { LayerScale } from './layer-scale.js';
import type { FeedForward } from './feed-forward.js';

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
  /** fc1 → act → fc2 (Mlp), or a gated unit (SwiGluMlp). */
  mlp: FeedForward;
  /** timm `ls1`: LayerScale on the attention branch (init_values set); absent = none. */
  ls1?: LayerScale | null;
  /** timm `ls2`: LayerScale on the MLP branch. */
  ls2?: LayerScale | null;
}

/** Pre-norm transformer block: h += ls1(attn(norm1(h))); h += ls2(mlp(norm2(h))) (ls = identity when absent). */
export class TransformerBlock {
  readonly norm1: LayerNorm;
  readonly attn: Attention;
  readonly norm2: LayerNorm;
  readonly mlp: FeedForward;
  readonly ls1: LayerScale | null;
  readonly ls2: LayerScale | null;

  constructor(parts: TransformerBlockParts) {
    ({ norm1: this.norm1, attn: this.attn, norm2: this.norm2, mlp: this.mlp } = parts);
    this.ls1 = parts.ls1 ?? null;
    this.ls2 = parts.ls2 ?? null;
    if (this.mlp.dim !== this.attn.dim) throw new RangeError(`TransformerBlock: attention dim ${this.attn.dim} != MLP dim ${this.mlp.dim}`);
    for (const ls of [this.ls1, this.ls2]) {
      if (ls && ls.dim !== this.attn.dim) throw new RangeError(`TransformerBlock: LayerScale over ${ls.dim} channels, block dim is ${this.attn.dim}`);
    }
  }

  get dim(): number {
    return this.attn.dim;
  }

  /** Updates the residual stream `h` [batch·tokens, dim] in place. */
  forward(h: DeviceArray, batch: number, tokens: number, scratch: BlockScratch, attention: AttentionOptions): void {
    const rows = batch * tokens;
    this.norm1.forward(h, rows, scratch.normed);
    // Without LayerScale the residual add is fused into the projection's epilogue.
    if (this.ls1) {
      this.attn.forward(scratch.normed, batch, tokens, scratch.mid, scratch, attention);
      this.ls1.addScaled(scratch.mid, h, rows, scratch.mid);
    } else {
      this.attn.forward(scratch.normed, batch, tokens, scratch.mid, scratch, attention, h);
    }
    this.norm2.forward(scratch.mid, rows, scratch.normed);
    if (this.ls2) {
      this.mlp.forward(scratch.normed, rows, h, scratch.mlpHidden);
      this.ls2.addScaled(h, scratch.mid, rows, h);
    } else {
      this.mlp.forward(scratch.normed, rows, h, scratch.mlpHidden, scratch.mid);
    }
  }
}
