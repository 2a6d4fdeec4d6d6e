import { optionalInteger, type JsonObject } from '../../configs/pretrained-config.js';
import { checkConfigDict } from '../../configs/vision-encoder-config.js';
import { Dinov2Config } from './dinov2-config.js';

/**
 * transformers' Dinov2WithRegistersConfig (configuration_dinov2_with_registers.py at the golden's
 * pinned commit): Dinov2Config's fields with patch 16 by default, `num_register_tokens` (default 4),
 * and always a mask token (there is no use_mask_token field).
 */
export class Dinov2WithRegistersConfig extends Dinov2Config {
  static override readonly modelType: string = 'dinov2_with_registers';

  numRegisterTokens: number;

  protected constructor(dict: JsonObject) {
    super(dict, Dinov2WithRegistersConfig.modelType, ['num_register_tokens'], { layerNormEps: 1e-6, patchSize: 16 });
    this.numRegisterTokens = optionalInteger(dict, 'num_register_tokens', 'tokens') ?? 4;
  }

  static override fromDict(dict: JsonObject | Record<string, unknown>): Dinov2WithRegistersConfig {
    return new Dinov2WithRegistersConfig(checkConfigDict(dict, 'Dinov2WithRegistersConfig', Dinov2WithRegistersConfig.modelType));
  }

  protected override familyDict(): JsonObject {
    return { ...super.familyDict(), num_register_tokens: this.numRegisterTokens };
  }
}
