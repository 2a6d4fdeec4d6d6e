import type { Arena, DeviceArray } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { Linear } from '../../layers/linear.js';
import { activationName } from '../../layers/mlp.js';
import type { ActivationName } from '@purevit/core';
import type { ViTConfig } from './vit-config.js';

/** transformers' ViTPooler: act(dense(h[:, 0])) with pooler_act (tanh by default). Checkpoint: pooler.dense. */
export class ViTPooler {
  constructor(
    readonly dense: Linear, // hidden → poolerOutputSize
    readonly activation: ActivationName,
  ) {}

  static async load(arena: Arena, scope: WeightScope, config: Pick<ViTConfig, 'hiddenSize' | 'poolerOutputSize' | 'poolerAct'>): Promise<ViTPooler> {
    const dense = await Linear.load(arena, scope.pp('dense'), config.hiddenSize, config.poolerOutputSize);
    return new ViTPooler(dense, activationName(config.poolerAct, 'pooler_act'));
  }

  /** out [batch, poolerOutputSize] = act(dense(cls [batch, hidden])). */
  forward(cls: DeviceArray, batch: number, out: DeviceArray): void {
    this.dense.forward({ x: cls, rows: batch, out, activation: this.activation });
  }
}
