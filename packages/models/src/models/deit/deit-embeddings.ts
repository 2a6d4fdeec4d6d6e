import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { PatchEmbed } from '../../layers/patch-embed.js';
import { PatchTokenEmbeddings } from '../encoder/patch-token-embeddings.js';
import type { DeiTConfig } from './deit-config.js';

/**
 * transformers' DeiTEmbeddings: [CLS, DIST] + patch tokens (+ mask token where masked) + position
 * embeddings (num_patches + 2 rows). The table is resized only with interpolatePosEncoding (bicubic,
 * align_corners=False, no antialias; the two prefix rows kept), and nothing checks the input size
 * otherwise (a patch count the table does not have is an error here, a broadcast failure in torch).
 * Checkpoint: embeddings.{patch_embeddings.projection, cls_token, distillation_token, position_embeddings, mask_token}.
 */
export async function loadDeiTEmbeddings(arena: Arena, scope: WeightScope, config: DeiTConfig, useMaskToken: boolean, what: string): Promise<PatchTokenEmbeddings> {
  const d = config.hiddenSize;
  const n = config.numPatches;
  const projection = await PatchEmbed.load(arena, scope.pp('patch_embeddings').pp('projection'), d, config.numChannels, config.patchSize2);
  const prefix = new Float32Array(2 * d); // [CLS, DIST]
  prefix.set(await scope.get('cls_token', [1, 1, d]), 0);
  prefix.set(await scope.get('distillation_token', [1, 1, d]), d);
  const positions = arena.upload(await scope.get('position_embeddings', [1, n + 2, d]));
  const mask = useMaskToken ? arena.upload(await scope.get('mask_token', [1, 1, d])) : null;
  return new PatchTokenEmbeddings(arena, projection, arena.upload(prefix), 2, positions, 2, config.gridSize, mask, {
    what, imageSize: config.imageSize2, resize: 'on-request', strictImageSize: false,
    resample: { mode: 'bicubic', alignCorners: false, antialias: false },
  });
}
