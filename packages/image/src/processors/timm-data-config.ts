/**
 * timm's `resolve_data_config` (timm/data/config.py at the golden's pinned commit): the eval data
 * settings from command-line style `args` overriding a model's `pretrained_cfg`, with timm's
 * defaults (224, bicubic, ImageNet mean/std, crop_pct 0.875, center crop).
 */

import { checkBound, formatValue } from '@purevit/weights';
import { ImageError } from '../errors.js';
import { resampleName, type ResampleName } from '../resize/filters.js';
import { checkStd } from './pixel-values.js';

export type CropMode = 'center' | 'squash' | 'border';

export interface TimmDataConfig {
  /** [channels, height, width] */
  readonly inputSize: readonly [number, number, number];
  readonly interpolation: ResampleName;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly cropPct: number;
  readonly cropMode: CropMode;
}

export const IMAGENET_DEFAULT_MEAN = [0.485, 0.456, 0.406] as const;
export const IMAGENET_DEFAULT_STD = [0.229, 0.224, 0.225] as const;
export const DEFAULT_CROP_PCT = 0.875;
export const DEFAULT_CROP_MODE: CropMode = 'center';

/** A timm `pretrained_cfg` (the fields this resolution reads; others are ignored). */
export interface TimmPretrainedCfg {
  input_size?: readonly number[] | null;
  test_input_size?: readonly number[] | null;
  interpolation?: string | null;
  mean?: readonly number[] | null;
  std?: readonly number[] | null;
  crop_pct?: number | null;
  test_crop_pct?: number | null;
  crop_mode?: string | null;
  [key: string]: unknown;
}

/** timm's `args` overrides (argparse names). */
export interface TimmDataArgs {
  in_chans?: number | null;
  chans?: number | null;
  input_size?: readonly number[] | null;
  img_size?: number | null;
  interpolation?: string | null;
  mean?: readonly number[] | null;
  std?: readonly number[] | null;
  crop_pct?: number | null;
  crop_mode?: string | null;
  [key: string]: unknown;
}

export interface ResolveDataConfigOptions {
  /** Command-line style overrides; TimmWrapperImageProcessor passes the whole pretrained_cfg here. */
  args?: TimmDataArgs;
  /** Use `test_input_size` / `test_crop_pct` of the pretrained_cfg when present (timm's inference resolution). */
  useTestSize?: boolean;
}

function checkedStd(std: number[]): number[] {
  checkStd(std, 'std');
  return std;
}

const has = (v: unknown): boolean => v !== undefined && v !== null;
/** Python truthiness for the values timm tests with `if x:`. */
const truthy = (v: unknown): boolean => has(v) && v !== 0 && v !== '' && v !== false && !(Array.isArray(v) && v.length === 0);

function size3(v: unknown, name: string): [number, number, number] {
  if (!Array.isArray(v) || v.length !== 3 || !v.every((x) => Number.isInteger(x) && x > 0)) {
    throw new ImageError('invalid_input', `${name} must be [channels, height, width] positive integers, got ${formatValue(v)}`);
  }
  return [checkBound(v[0], 'channels', `${name}[0]`), checkBound(v[1], 'imageSide', `${name}[1]`), checkBound(v[2], 'imageSide', `${name}[2]`)];
}

function channels(v: readonly number[], inChans: number, name: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) throw new ImageError('invalid_input', `${name} must be a list of numbers`);
  if (v.length === 1) return Array.from({ length: inChans }, () => v[0]);
  if (v.length !== inChans) throw new ImageError('invalid_input', `${name} has ${v.length} values for ${inChans} channels`);
  return [...v];
}

function cropMode(v: unknown): CropMode {
  if (v === 'center' || v === 'squash' || v === 'border') return v;
  throw new ImageError('invalid_input', `unknown crop_mode ${formatValue(v)}: use center, squash or border`);
}

/** `timm.data.resolve_data_config(args, pretrained_cfg, model=None, use_test_size)`. */
export function resolveDataConfig(pretrainedCfg: TimmPretrainedCfg | undefined, options: ResolveDataConfigOptions = {}): TimmDataConfig {
  const args = options.args ?? {};
  const cfg = pretrainedCfg ?? {};
  const useTest = options.useTestSize ?? false;

  let inChans = 3;
  if (has(args.in_chans)) inChans = checkBound(args.in_chans, 'channels', 'in_chans');
  else if (has(args.chans)) inChans = checkBound(args.chans, 'channels', 'chans');

  let inputSize: [number, number, number] = [inChans, 224, 224];
  if (has(args.input_size)) {
    inputSize = size3(args.input_size, 'input_size');
    inChans = inputSize[0];
  } else if (has(args.img_size)) {
    if (!Number.isInteger(args.img_size)) throw new ImageError('invalid_input', `img_size must be an integer, got ${formatValue(args.img_size)}`);
    const side = checkBound(args.img_size, 'imageSide', 'img_size');
    inputSize = [inChans, side, side];
  } else if (useTest && has(cfg.test_input_size)) {
    inputSize = size3(cfg.test_input_size, 'test_input_size');
  } else if (has(cfg.input_size)) {
    inputSize = size3(cfg.input_size, 'input_size');
  }

  let interpolation = 'bicubic';
  if (truthy(args.interpolation)) interpolation = args.interpolation as string;
  else if (truthy(cfg.interpolation)) interpolation = cfg.interpolation as string;

  let mean: number[] = [...IMAGENET_DEFAULT_MEAN];
  if (has(args.mean)) mean = channels(args.mean as number[], inChans, 'mean');
  else if (truthy(cfg.mean)) mean = [...(cfg.mean as number[])];

  let std: number[] = [...IMAGENET_DEFAULT_STD];
  if (has(args.std)) std = channels(args.std as number[], inChans, 'std');
  else if (truthy(cfg.std)) std = [...(cfg.std as number[])];

  let cropPct = DEFAULT_CROP_PCT;
  if (truthy(args.crop_pct)) cropPct = args.crop_pct as number;
  else if (useTest && truthy(cfg.test_crop_pct)) cropPct = cfg.test_crop_pct as number;
  else if (truthy(cfg.crop_pct)) cropPct = cfg.crop_pct as number;

  let mode: unknown = DEFAULT_CROP_MODE;
  if (truthy(args.crop_mode)) mode = args.crop_mode;
  else if (truthy(cfg.crop_mode)) mode = cfg.crop_mode;

  if (inputSize[0] !== 3) throw new ImageError('unsupported', `only 3-channel (RGB) inputs are supported, input_size is [${inputSize.join(', ')}]`);
  if (!(typeof cropPct === 'number' && cropPct > 0)) throw new ImageError('invalid_input', `crop_pct must be a positive number, got ${formatValue(cropPct)}`);
  checkBound(cropPct, 'cropPct', 'crop_pct');
  // The eval transform resizes to floor(size / crop_pct) before cropping: that size is bounded too.
  checkBound(Math.floor(Math.max(inputSize[1], inputSize[2]) / cropPct), 'imageSide', 'input_size / crop_pct', 'the resize target');
  return Object.freeze({
    inputSize: Object.freeze(inputSize) as TimmDataConfig['inputSize'],
    interpolation: resampleName(interpolation),
    mean: Object.freeze(channels(mean, 3, 'mean')),
    std: Object.freeze(checkedStd(channels(std, 3, 'std'))),
    cropPct,
    cropMode: cropMode(mode),
  });
}
