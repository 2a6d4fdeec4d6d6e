import { hasKeyPrefix, renameKeys, type WeightMap } from '@purevit/weights';

/**
 * transformers' base_model_prefix handling when a checkpoint is loaded (modeling_utils at the
 * golden's pinned commit), for any family whose task models hold the backbone under `prefix`
 * (`deit.`, `dinov2.`, `beit.`, `vit.`):
 * - a task checkpoint (`prefix…`, head keys) loaded into the bare model: the prefix is stripped;
 *   the head's keys stay and are reported as unexpected, as transformers does;
 * - a bare-model checkpoint loaded into a task model (`head` = its head modules): every key that is
 *   not the head's gets the prefix.
 */
export function adaptBaseModelPrefix(weights: WeightMap, prefix: string, head: readonly string[] = []): WeightMap {
  const prefixed = hasKeyPrefix(weights, prefix);
  if (head.length === 0) return prefixed ? renameKeys(weights, (k) => (k.startsWith(prefix) ? k.slice(prefix.length) : k)) : weights;
  if (prefixed) return weights;
  return renameKeys(weights, (k) => (head.some((m) => k === m || k.startsWith(`${m}.`)) ? k : prefix + k));
}
