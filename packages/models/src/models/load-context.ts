import { loadWeights, withErrorContext, type ModelRepo, type WeightMap } from '@purevit/weights';

/**
 * Runs a load step so that any error names what was being loaded from where:
 * "loading ViTModel from google/vit-base-patch16-224: missing tensor pooler.dense.weight".
 * The error keeps its class and code (a WeightError stays a WeightError), only its message grows.
 */
export async function withLoadContext<T>(what: string, from: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    if (err instanceof Error && err.message.startsWith('loading ')) throw err;
    throw withErrorContext(err, `loading ${what} from ${from}`);
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
