import type { Arena } from '@purevit/core';
import type { WeightScope } from '@purevit/weights';
import type { TimmArchitecture, TimmFamily } from './architectures.js';
import type { TimmModel } from './timm-model.js';
import { TimmResNet } from './timm-resnet.js';
import { parseTimmResNetArgs } from './timm-resnet-args.js';
import { TimmVisionTransformer } from './timm-vit.js';
import { parseTimmViTArgs } from './timm-vit-args.js';

/** How to build one timm family (a key of ARCHITECTURE_TABLE): its classifier module and its model class. */
export interface TimmFamilyBuilder {
  /** The checkpoint module of the family's classifier (timm's pretrained_cfg "classifier"). */
  classifier: string;
  /** The model of entry point `name` from its keyword arguments, weights from `scope`. */
  load(arena: Arena, scope: WeightScope, name: string, args: TimmArchitecture['args'], numClasses: number): Promise<TimmModel>;
}

/**
 * The timm families purevit builds: one entry each (a family of the architecture table without one is a
 * compile error). Adding a family: its entry points in architecture-table.ts, its model class, one entry here.
 */
export const TIMM_FAMILIES: { readonly [F in TimmFamily]: TimmFamilyBuilder } = {
  vision_transformer: {
    classifier: 'head',
    load: (arena, scope, name, args, numClasses) => TimmVisionTransformer.load(arena, scope, name, parseTimmViTArgs(args, name), numClasses),
  },
  resnet: {
    classifier: 'fc',
    load: (arena, scope, name, args, numClasses) => TimmResNet.load(arena, scope, name, parseTimmResNetArgs(args, name), numClasses),
  },
};

/** The checkpoint module of each family's classifier (timm's pretrained_cfg "classifier"). */
export const CLASSIFIER_MODULE: Readonly<Record<TimmFamily, string>> = Object.fromEntries(
  Object.entries(TIMM_FAMILIES).map(([family, builder]) => [family, builder.classifier]),
) as Record<TimmFamily, string>;

/**
 * timm.create_model(architecture, pretrained=False, num_classes, **model_args) with the weights read
 * from `scope` (timm's module names at its root) into `arena`. numClasses 0 builds no classifier.
 */
export async function createTimmModel(arena: Arena, scope: WeightScope, architecture: TimmArchitecture, numClasses: number): Promise<TimmModel> {
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new RangeError(`numClasses must be a non-negative integer, got ${numClasses}`);
  return TIMM_FAMILIES[architecture.family].load(arena, scope, architecture.name, architecture.args, numClasses);
}
