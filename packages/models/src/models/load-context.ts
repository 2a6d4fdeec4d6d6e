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
