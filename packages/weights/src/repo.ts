/**
 * A model repository: the files of one checkpoint folder, wherever they live (local folder, hub
 * cache, URL, memory). `loadWeights` turns one into a lazy weight map.
 */

import { formatValue } from './limits/format-value.js';
import { checkConfigSize, parseConfigJson } from './limits/config-bounds.js';
import { SafetensorsFile } from './safetensors/reader.js';
import { bytesSource } from './sources/bytes.js';
import type { ByteSource } from './sources/byte-source.js';
import { WeightError } from './weight-error.js';
import { mergeWeightMaps, weightMapFromSafetensors, type WeightMap } from './weight-map.js';

export interface ModelRepo {
  /** What the repo was opened from: a hub id, a folder path or a URL. */
  readonly id: string;
  exists(file: string): Promise<boolean>;
  /** A config-sized text file (over MAX_CONFIG_BYTES is a ConfigError naming it). */
  readText(file: string): Promise<string>;
  /** readText parsed as JSON; invalid, over-large or over-deep JSON is a ConfigError naming the file. */
  readJson<T = unknown>(file: string): Promise<T>;
  open(file: string): Promise<ByteSource>;
}

/** A repo over files held in memory (tests, browser uploads). */
export function memoryRepo(files: Record<string, Uint8Array | string>, id = 'memory'): ModelRepo {
  const encoder = new TextEncoder();
  const get = (file: string): Uint8Array => {
    const content = Object.prototype.hasOwnProperty.call(files, file) ? files[file] : undefined;
    if (content === undefined) throw new Error(`${file} not found in ${id}`);
    return typeof content === 'string' ? encoder.encode(content) : content;
  };
  const readText = async (file: string): Promise<string> => {
    const bytes = get(file);
    checkConfigSize(bytes.byteLength, `${id}/${file}`);
    return new TextDecoder().decode(bytes);
  };
  return {
    id,
    exists: (file) => Promise.resolve(Object.prototype.hasOwnProperty.call(files, file)),
    readText,
    readJson: async <T>(file: string) => parseConfigJson(await readText(file), `${id}/${file}`) as T,
    open: async (file) => bytesSource(get(file)),
  };
}

export interface LoadWeightsOptions {
  /** Checkpoint file name (default model.safetensors); its sharded index is `<name>.index.json`. */
  filename?: string;
}

interface ShardIndex {
  weight_map: Record<string, string>;
}

/** The checkpoint's weight map: `model.safetensors`, or the shards listed by its index. */
export async function loadWeights(repo: ModelRepo, options: LoadWeightsOptions = {}): Promise<WeightMap> {
  const filename = options.filename ?? 'model.safetensors';
  const indexName = `${filename}.index.json`;
  if (await repo.exists(indexName)) return loadSharded(repo, indexName);
  if (await repo.exists(filename)) return weightMapFromSafetensors(await SafetensorsFile.open(await repo.open(filename)));
  throw new WeightError(
    'no_checkpoint',
    `${repo.id} has neither ${filename} nor ${indexName}; only safetensors checkpoints are supported ` +
      '(PyTorch .bin / .pth checkpoints are not: convert them with safetensors first)',
  );
}

async function loadSharded(repo: ModelRepo, indexName: string): Promise<WeightMap> {
  const index = await repo.readJson<unknown>(indexName);
  const weightMap = checkIndex(index, `${repo.id}/${indexName}`).weight_map;
  const shardNames = [...new Set(Object.values(weightMap))];
  const shards = await Promise.all(shardNames.map(async (name) => SafetensorsFile.open(await repo.open(name))));
  const byName = new Map(shardNames.map((name, i) => [name, shards[i]]));
  for (const [key, shardName] of Object.entries(weightMap)) {
    if (!byName.get(shardName)!.has(key)) {
      throw new WeightError('invalid_index', `${indexName} puts ${formatValue(key)} in ${formatValue(shardName)}, which does not hold it`, key);
    }
  }
  // A key may only come from the shard the index assigns it to.
  const maps = shards.map((shard, i) => {
    const map = weightMapFromSafetensors(shard);
    for (const key of map.keys()) {
      const assigned = weightMap[key];
      if (assigned !== undefined && assigned !== shardNames[i]) map.delete(key);
    }
    return map;
  });
  return mergeWeightMaps(maps);
}

function checkIndex(index: unknown, where: string): ShardIndex {
  const weightMap = (index as { weight_map?: unknown } | null)?.weight_map;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    throw new WeightError('invalid_index', `${where} has no "weight_map" object`);
  }
  for (const [key, file] of Object.entries(weightMap)) {
    if (typeof file !== 'string') throw new WeightError('invalid_index', `${where} maps ${formatValue(key)} to a non-string`, key);
  }
  return { weight_map: weightMap as Record<string, string> };
}
