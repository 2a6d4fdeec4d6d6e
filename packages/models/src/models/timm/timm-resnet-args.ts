import type { ActivationName } from '@purevit/core';
import { ConfigError, formatValue } from '@purevit/weights';
import type { JsonObject } from '../../configs/pretrained-config.js';
import { GLOBAL_POOL_2D_TYPES, type GlobalPool2dType } from '../../layers/select-adaptive-pool2d.js';
import { TimmArgs } from './timm-args.js';
import { TIMM_ACTIVATIONS } from './timm-vit-args.js';

export type ResNetBlockType = 'basic' | 'bottleneck';
/** '' = one 7x7 conv; 'deep' = three 3x3 convs (stem_width, stem_width, 2·stem_width); 'deep_tiered' = (3·(stem_width/4), stem_width, 2·stem_width). */
export type ResNetStemType = '' | 'deep' | 'deep_tiered';

/** timm ResNet.__init__ arguments, resolved (defaults of the class signature at the pinned commit). */
export interface TimmResNetArgs {
  block: ResNetBlockType;
  layers: [number, number, number, number];
  channels: [number, number, number, number];
  inChans: number;
  globalPool: GlobalPool2dType;
  cardinality: number;
  baseWidth: number;
  stemWidth: number;
  stemType: ResNetStemType;
  blockReduceFirst: number;
  downKernelSize: number;
  avgDown: boolean;
  actLayer: ActivationName;
}

const NORMS = ['batchnorm', 'batchnorm2d'];

/** Parses a ResNet's keyword arguments; unknown or unsupported ones are errors naming them. */
export function parseTimmResNetArgs(args: JsonObject, architecture: string): TimmResNetArgs {
  const a = new TimmArgs(args, architecture);
  if (a.has('num_classes')) throw new ConfigError('inconsistent', `${architecture}: model_args must not set num_classes (TimmWrapper passes num_classes itself)`, { field: 'model_args.num_classes' });
  a.ignore('num_classes');
  const outputStride = a.int('output_stride', 32, 'smallInteger');
  if (outputStride !== 32) throw new ConfigError('unsupported', `${architecture}: output_stride ${outputStride} (dilated stages) is not supported by purevit; supported: 32`, { field: 'model_args.output_stride' });
  const normLayer = a.raw('norm_layer');
  if (normLayer !== undefined && !(typeof normLayer === 'string' && NORMS.includes(normLayer.replace(/_/g, '').toLowerCase()))) {
    throw new ConfigError('unsupported', `${architecture}: norm_layer ${formatValue(normLayer)} is not supported by purevit; supported: "batchnorm2d"`, { field: 'model_args.norm_layer' });
  }
  const block = a.string<ResNetBlockType>('block', 'basic', ['basic', 'bottleneck']);
  if (!a.has('layers')) throw new ConfigError('inconsistent', `${architecture}: argument layers (blocks per stage) is required`, { field: 'model_args.layers' });
  const parsed: TimmResNetArgs = {
    block,
    layers: a.intList('layers', [], 4, 'layers') as TimmResNetArgs['layers'],
    channels: a.intList('channels', [64, 128, 256, 512], 4, 'width') as TimmResNetArgs['channels'],
    inChans: a.int('in_chans', 3, 'channels'),
    globalPool: a.string<GlobalPool2dType>('global_pool', 'avg', GLOBAL_POOL_2D_TYPES),
    cardinality: a.int('cardinality', 1, 'smallInteger'),
    baseWidth: a.int('base_width', 64, 'width'),
    stemWidth: a.int('stem_width', 64, 'width'),
    stemType: a.string<ResNetStemType>('stem_type', '', ['', 'deep', 'deep_tiered']),
    blockReduceFirst: a.int('block_reduce_first', 1, 'smallInteger'),
    downKernelSize: a.int('down_kernel_size', 1, 'smallInteger'),
    avgDown: a.bool('avg_down', false),
    actLayer: a.string('act_layer', 'relu', TIMM_ACTIVATIONS),
  };
  if (block === 'basic' && (parsed.cardinality !== 1 || parsed.baseWidth !== 64)) {
    throw new ConfigError('unsupported', `${architecture}: BasicBlock only supports cardinality 1 and base_width 64`, { field: 'model_args.base_width' });
  }
  a.requireDefault('replace_stem_pool', 'a strided conv instead of the stem max-pool');
  a.requireDefault('aa_layer', 'anti-aliased downsampling');
  a.requireDefault('attn_layer', 'attention (SE) blocks');
  a.requireDefault('block_args', 'extra block arguments');
  a.requireDefault('features_only', "transformers' features_only wrapper");
  a.ignore('drop_rate', 'drop_path_rate', 'drop_block_rate', 'zero_init_last');
  a.finish();
  return parsed;
}
