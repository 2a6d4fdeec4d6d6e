import { loadWeights, type ModelRepo, type WeightMap } from '@purevit/weights';

/**
 * Runs a load step so that any error names what was being loaded from where:
 * "loading ViTModel from google/vit-base-patch16-224: missing tensor pooler.dense.weight".
 * The original error stays reachable as `cause`.
 */
export async function withLoadContext<T>(what: string, from: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (message.startsWith('loading ')) throw err;
    throw new Error(`loading ${what} from ${from}: ${message}`, { cause: err });
  }
}

/**
 * Every model's `fromRepo`: the repo's config.json (unless `options.config` is given), then its weights,
 * handed to the class's `fromWeights`; errors name the class and the repo.
 */
export async function loadFromRepo<C, O extends { config?: C }, M>(
  what: string,
  repo: ModelRepo,
  options: O,
  parseConfig: (dict: Record<string, unknown>) => C,
  fromWeights: (config: C, weights: WeightMap, options: O) => Promise<M>,
): Promise<M> {
  return withLoadContext(what, repo.id, async () => {
    const config = options.config ?? parseConfig(await repo.readJson<Record<string, unknown>>('config.json'));
    return fromWeights(config, await loadWeights(repo), options);
  });
}
