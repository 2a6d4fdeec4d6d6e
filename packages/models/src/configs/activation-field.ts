import { ACTIVATION_NAMES, isActivationName } from '@purevit/core';
import { ConfigError, formatList, formatValue } from '@purevit/weights';
import { optionalString, type JsonObject } from './pretrained-config.js';

/** An activation name the layers implement (transformers' ACT2FN names), else a ConfigError naming the field. */
export function activationField(dict: JsonObject, key: string, fallback: string): string {
  const name = optionalString(dict, key) ?? fallback;
  if (!isActivationName(name)) {
    throw new ConfigError('unsupported', `config field ${key} ${formatValue(name)} is not supported; supported: ${formatList([...ACTIVATION_NAMES], 150)}`, { field: key });
  }
  return name;
}
