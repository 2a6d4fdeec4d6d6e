/**
 * ViTMAE's random masking bookkeeping (ViTMAEEmbeddings.random_masking at the golden's pinned
 * commit), done on the host because it is integer index work on the `noise` input, not tensor
 * arithmetic: per image, `ids_shuffle = argsort(noise)` (ascending), `ids_restore =
 * argsort(ids_shuffle)`, the first `keep` of ids_shuffle are the patches the encoder sees (in that
 * order), and `mask` is 1 where a patch was removed. The gathers of patch embeddings that use these
 * indices are ops.
 */

export interface RandomMasking {
  /** Patches kept per image: int(L · (1 − mask_ratio)). */
  readonly keep: number;
  /** [B, keep]: patch index of each kept token, in ascending-noise order. */
  readonly idsKeep: Int32Array;
  /** [B, L]: position of patch i in the shuffled order (argsort of ids_shuffle). */
  readonly idsRestore: Int32Array;
  /** [B, L]: 1 where the patch was removed, else 0 (float32, as transformers returns it). */
  readonly mask: Float32Array;
}

/**
 * The masking of `batch` images of `length` patches from `noise` [B, L]. Ties in the noise keep
 * index order (a stable sort); torch's argsort does not promise an order for ties. NaN noise is an
 * error (torch would sort it last).
 */
export function randomMasking(noise: Float32Array, batch: number, length: number, keep: number): RandomMasking {
  if (noise.length !== batch * length) throw new RangeError(`noise must have shape [${batch}, ${length}] (batch, patches), got ${noise.length} values`);
  if (!Number.isInteger(keep) || keep < 0 || keep > length) throw new RangeError(`cannot keep ${keep} of ${length} patches`);
  const idsKeep = new Int32Array(batch * keep);
  const idsRestore = new Int32Array(batch * length);
  const mask = new Float32Array(batch * length);
  const order = new Array<number>(length);
  for (let b = 0; b < batch; b++) {
    const row = noise.subarray(b * length, (b + 1) * length);
    for (let i = 0; i < length; i++) {
      if (Number.isNaN(row[i])) throw new RangeError(`noise[${b}, ${i}] is NaN: random masking needs comparable noise values`);
      order[i] = i;
    }
    order.sort((p, q) => row[p] - row[q] || p - q);
    for (let rank = 0; rank < length; rank++) {
      const patch = order[rank];
      idsRestore[b * length + patch] = rank;
      mask[b * length + patch] = rank < keep ? 0 : 1;
      if (rank < keep) idsKeep[b * keep + rank] = patch;
    }
  }
  return { keep, idsKeep, idsRestore, mask };
}
