import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import type { TimmArchitecture, TimmFamily } from './architectures.js';
import type { TimmModel } from './timm-model.js';
import { TimmResNet } from './timm-resnet.js';
import { parseTimmResNetArgs } from './timm-resnet-args.js';
import { TimmVisionTransformer } from './timm-vit.js';
import { parseTimmViTArgs } from './timm-vit-args.js';

/** The checkpoint module of each family's classifier (timm's pretrained_cfg "classifier"). */
export const CLASSIFIER_MODULE: Readonly<Record<TimmFamily, string>> = { vision_transformer: 'head', resnet: 'fc' };

/**
 * timm.create_model(architecture, pretrained=False, num_classes, **model_args) with the weights read
 * from `scope` (timm's module names at its root) into `arena`. numClasses 0 builds no classifier.
 */
export async function createTimmModel(arena: Arena, scope: WeightScope, architecture: TimmArchitecture, numClasses: number): Promise<TimmModel> {
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new RangeError(`numClasses must be a non-negative integer, got ${numClasses}`);
  switch (architecture.family) {
    case 'vision_transformer':
      return TimmVisionTransformer.load(arena, scope, architecture.name, parseTimmViTArgs(architecture.args, architecture.name), numClasses);
    case 'resnet':
      return TimmResNet.load(arena, scope, architecture.name, parseTimmResNetArgs(architecture.args, architecture.name), numClasses);
  }
}
