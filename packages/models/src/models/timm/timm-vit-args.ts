import { isActivationName, type ActivationName } from '@purevit/core';
import { ConfigError, checkBound, formatValue } from '@purevit/weights';
import type { JsonObject } from '../../configs/pretrained-config.js';
import { TimmArgs } from './timm-args.js';

/** global_pool of timm's VisionTransformer that purevit implements ('' = none: the head sees every token). */
export type VitGlobalPool = '' | 'token' | 'avg' | 'max' | 'avgmax';
const VIT_GLOBAL_POOLS: readonly VitGlobalPool[] = ['', 'token', 'avg', 'max', 'avgmax'];

/** timm act_layer names (timm/layers/create_act.py) that core implements; "gelu" is the exact erf GELU. */
export const TIMM_ACTIVATIONS = [
  'gelu', 'gelu_tanh', 'quick_gelu', 'relu', 'relu6', 'leaky_relu', 'silu', 'swish', 'mish', 'sigmoid', 'tanh', 'identity',
] as const satisfies readonly ActivationName[];

/** timm's get_norm_layer names that are timm's LayerNorm (affine, eps 1e-6 unless the entry point binds another). */
const LAYER_NORMS = ['layernorm', 'layernormfp32'];

/**
 * timm VisionTransformer.__init__ arguments, resolved (defaults of the class signature at the pinned
 * commit; training-only arguments dropped).
 */
export interface TimmViTArgs {
  imgSize: [number, number];
  patchSize: [number, number];
  inChans: number;
  globalPool: VitGlobalPool;
  embedDim: number;
  depth: number;
  numHeads: number;
  /** int(embed_dim · mlp_ratio). */
  mlpHidden: number;
  qkvBias: boolean;
  qkNorm: boolean;
  projBias: boolean;
  /** LayerScale init value; LayerScale exists when it is truthy (timm: `if init_values`). */
  initValues: number | null;
  classToken: boolean;
  /** pos_embed 'learn' (false for '' / 'none'). */
  posEmbed: boolean;
  noEmbedClass: boolean;
  regTokens: number;
  preNorm: boolean;
  finalNorm: boolean;
  /** fc_norm resolved: null in the arguments means "global_pool is avg, avgmax or max". */
  useFcNorm: boolean;
  poolIncludePrefix: boolean;
  dynamicImgSize: boolean;
  dynamicImgPad: boolean;
  actLayer: ActivationName;
  /** eps of every LayerNorm (norm1/2, q/k norms, norm_pre, norm, fc_norm). */
  normEps: number;
}

/** Parses a VisionTransformer's keyword arguments; unknown or unsupported ones are errors naming them. */
export function parseTimmViTArgs(args: JsonObject, architecture: string): TimmViTArgs {
  const a = new TimmArgs(args, architecture);
  if (a.has('num_classes')) throw new ConfigError('inconsistent', `${architecture}: model_args must not set num_classes (TimmWrapper passes num_classes itself)`, { field: 'model_args.num_classes' });
  a.ignore('num_classes');
  const globalPool = a.raw('global_pool') ?? 'token';
  if (typeof globalPool !== 'string' || !(VIT_GLOBAL_POOLS as readonly string[]).includes(globalPool)) {
    const why = globalPool === 'map' || globalPool === 'prr' ? ' (attention pooling) is not supported by purevit' : ' is not a global pool type';
    throw new ConfigError('unsupported', `${architecture}: global_pool ${formatValue(globalPool)}${why}; supported: ${VIT_GLOBAL_POOLS.map((p) => `"${p}"`).join(', ')}`, { field: 'model_args.global_pool' });
  }
  const classToken = a.bool('class_token', true);
  if (!classToken && globalPool === 'token') throw new ConfigError('inconsistent', `${architecture}: global_pool "token" needs class_token (timm asserts class_token or global_pool != 'token')`, { field: 'model_args.class_token' });

  const normLayer = a.raw('norm_layer');
  if (normLayer !== undefined && !(typeof normLayer === 'string' && LAYER_NORMS.includes(normLayer.replace(/_/g, '').toLowerCase()))) {
    throw new ConfigError('unsupported', `${architecture}: norm_layer ${formatValue(normLayer)} is not supported by purevit; supported: ${LAYER_NORMS.map((n) => `"${n}"`).join(', ')}`, { field: 'model_args.norm_layer' });
  }
  const act = a.raw('act_layer') ?? 'gelu';
  if (typeof act !== 'string' || !(TIMM_ACTIVATIONS as readonly string[]).includes(act) || !isActivationName(act)) {
    throw new ConfigError('unsupported', `${architecture}: act_layer ${formatValue(act)} is not supported; supported: ${TIMM_ACTIVATIONS.join(', ')}`, { field: 'model_args.act_layer' });
  }
  const attnLayer = a.raw('attn_layer');
  if (attnLayer !== undefined && attnLayer !== '' && attnLayer !== 'attn') {
    throw new ConfigError('unsupported', `${architecture}: attn_layer ${formatValue(attnLayer)} is not supported by purevit; supported: "attn"`, { field: 'model_args.attn_layer' });
  }
  const posEmbed = a.string('pos_embed', 'learn', ['learn', '', 'none']);

  const embedDim = a.int('embed_dim', 768, 'width');
  const numHeads = a.int('num_heads', 12, 'heads');
  if (embedDim % numHeads !== 0) throw new ConfigError('inconsistent', `${architecture}: embed_dim ${embedDim} is not divisible by num_heads ${numHeads}`, { field: 'model_args.num_heads' });
  const mlpRatio = a.number('mlp_ratio', 4, 'ratio');
  const initValues = a.raw('init_values');
  if (initValues !== undefined && !(typeof initValues === 'number' && Number.isFinite(initValues))) {
    throw new ConfigError('invalid_type', `${architecture}: argument init_values must be a number or null, got ${formatValue(initValues)}`, { field: 'model_args.init_values' });
  }
  const fcNorm = a.optionalBool('fc_norm');

  const parsed: TimmViTArgs = {
    imgSize: a.pair('img_size', 224, 'imageSide'),
    patchSize: a.pair('patch_size', 16, 'patchSide'),
    inChans: a.int('in_chans', 3, 'channels'),
    globalPool: globalPool as VitGlobalPool,
    embedDim,
    depth: a.int('depth', 12, 'layers'),
    numHeads,
    mlpHidden: checkBound(Math.trunc(embedDim * mlpRatio), 'width', 'embed_dim · mlp_ratio', `${architecture}: the MLP width`),
    qkvBias: a.bool('qkv_bias', true),
    qkNorm: a.bool('qk_norm', false),
    projBias: a.bool('proj_bias', true),
    initValues: initValues ? initValues : null,
    classToken,
    posEmbed: posEmbed === 'learn',
    noEmbedClass: a.bool('no_embed_class', false),
    regTokens: a.int('reg_tokens', 0, 'tokens'),
    preNorm: a.bool('pre_norm', false),
    finalNorm: a.bool('final_norm', true),
    useFcNorm: fcNorm ?? ['avg', 'avgmax', 'max'].includes(globalPool),
    poolIncludePrefix: a.bool('pool_include_prefix', false),
    dynamicImgSize: a.bool('dynamic_img_size', false),
    dynamicImgPad: a.bool('dynamic_img_pad', false),
    actLayer: act,
    normEps: a.number('norm_eps', 1e-6, 'eps'),
  };
  a.requireDefault('scale_attn_norm', 'a norm before the attention output projection');
  a.requireDefault('scale_mlp_norm', 'a norm inside the MLP');
  a.requireDefault('embed_norm_layer', 'a norm in the patch embedding');
  a.requireDefault('features_only', "transformers' features_only wrapper");
  a.ignore('drop_rate', 'pos_drop_rate', 'patch_drop_rate', 'proj_drop_rate', 'attn_drop_rate', 'drop_path_rate', 'weight_init', 'fix_init');
  a.finish();
  const [h, w] = parsed.imgSize;
  const [ph, pw] = parsed.patchSize;
  checkBound(Math.floor(h / ph) * Math.floor(w / pw), 'patches', 'img_size / patch_size', `${architecture}: patches per image from`);
  return parsed;
}
