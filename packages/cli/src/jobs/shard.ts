/**
 * `--shard i/n`: worker i of n (0-based, as Kubernetes' JOB_COMPLETION_INDEX) takes the i-th of n
 * contiguous, near-equal slices of the input list. Contiguous slices make the shards' outputs,
 * concatenated in shard order, the output of one unsharded run.
 */

export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(count) && count >= 1 && index < count)) {
    throw new RangeError(`--shard must be i/n with 0 <= i < n (e.g. 0/4 … 3/4), got ${JSON.stringify(text)}`);
  }
  return { index, count };
}

/** [start, end) of shard `index` of `count` over `total` items. */
export function shardRange(total: number, shard: Shard): [number, number] {
  return [Math.floor((shard.index * total) / shard.count), Math.floor(((shard.index + 1) * total) / shard.count)];
}
