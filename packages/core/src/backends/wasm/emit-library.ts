/**
 * The functions kernels share inside the kernel module (the GEMM, the row kernels, the attention drivers),
 * emitted the first time a registered kernel asks for them, so the module holds each once whatever the set of
 * kernels that need it.
 */

import { emitAttention } from './emit-attention.js';
import { emitGemm, type GemmTiling } from './emit-gemm.js';
import { emitLayerNorm, emitOnlineSoftmax, emitSoftmax } from './emit-rows.js';
import type { FunctionBuilder, ModuleBuilder } from './module-builder.js';

export class EmitLibrary {
  private readonly emitted = new Map<string, FunctionBuilder | null>();
  private gemmPair: { gemm: FunctionBuilder; epilogue: FunctionBuilder } | null = null;

  constructor(
    private readonly mod: ModuleBuilder,
    readonly tiling: GemmTiling,
  ) {}

  /** `gemm` and `epilogue` (emit-gemm.ts); returns gemm. */
  gemm(): FunctionBuilder {
    return this.gemmFunctions().gemm;
  }

  /**
   * `epilogue(c, ldc, rows, cols, bias, res, ldr, act)` (emit-gemm.ts): + bias, the activation by id, + residual
   * over a block of rows, in place; kernels with their own accumulation loop (the direct convolutions) call it.
   */
  epilogue(): FunctionBuilder {
    return this.gemmFunctions().epilogue;
  }

  private gemmFunctions(): { gemm: FunctionBuilder; epilogue: FunctionBuilder } {
    if (!this.gemmPair) this.gemmPair = emitGemm(this.mod, this.tiling);
    return this.gemmPair;
  }

  layerNorm(): FunctionBuilder {
    return this.once('layer_norm', () => emitLayerNorm(this.mod));
  }

  softmax(): FunctionBuilder {
    return this.once('softmax', () => emitSoftmax(this.mod));
  }

  onlineSoftmax(): FunctionBuilder {
    return this.once('online_softmax', () => emitOnlineSoftmax(this.mod));
  }

  /** `attention_fused` and `attention_eager` (emit-attention.ts). */
  attention(): void {
    this.once('attention', () => {
      emitAttention(this.mod, this.tiling, this.gemm(), this.epilogue(), this.onlineSoftmax(), this.softmax());
      return null;
    });
  }

  private once<T extends FunctionBuilder | null>(name: string, emit: () => T): T {
    if (!this.emitted.has(name)) this.emitted.set(name, emit());
    return this.emitted.get(name) as T;
  }
}
