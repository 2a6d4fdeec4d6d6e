import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import { PatchEmbed } from '../../layers/patch-embed.js';
import { PatchTokenEmbeddings } from '../encoder/patch-token-embeddings.js';
import type { Dinov2Config } from './dinov2-config.js';

/**
 * transformers' Dinov2Embeddings and Dinov2WithRegistersEmbeddings: patch tokens, masked ones replaced by
 * mask_token ([1, hidden]; torch.where), [CLS] in front, position embeddings added — the table ALWAYS resized
 * to the input's grid unless the patch count matches and the image is square (bicubic, align_corners=False;
 * no antialias for DINOv2 at the goldens' commit, antialias for DINOv2 with registers) — then, with
 * registers, `registers` register tokens inserted after [CLS] without positions. Checkpoint:
 * embeddings.{patch_embeddings.projection, cls_token, mask_token, register_tokens, position_embeddings}.
 */
export async function loadDinov2Embeddings(
  arena: Arena,
  scope: WeightScope,
  config: Dinov2Config,
  layout: { what: string; registers: number; antialias: boolean },
): Promise<PatchTokenEmbeddings> {
  const d = config.hiddenSize;
  const n = config.numPatches;
  const projection = await PatchEmbed.load(arena, scope.pp('patch_embeddings').pp('projection'), d, config.numChannels, config.patchSize2);
  const prefix = new Float32Array((1 + layout.registers) * d); // [CLS, registers]
  prefix.set(await scope.get('cls_token', [1, 1, d]), 0);
  if (layout.registers > 0) prefix.set(await scope.get('register_tokens', [1, layout.registers, d]), d);
  const positions = arena.upload(await scope.get('position_embeddings', [1, n + 1, d]));
  const mask = config.useMaskToken ? arena.upload(await scope.get('mask_token', [1, d])) : null;
  return new PatchTokenEmbeddings(arena, projection, arena.upload(prefix), 1 + layout.registers, positions, 1, config.gridSize, mask, {
    what: layout.what, imageSize: config.imageSize2, resize: 'always', strictImageSize: false,
    resample: { mode: 'bicubic', alignCorners: false, antialias: layout.antialias },
  });
}
