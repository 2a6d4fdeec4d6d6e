import { describe, expect, it } from 'vitest';
import { ConfigError } from '@purevit/weights';
import {
  ARCHITECTURE_TABLE,
  TimmWrapperConfig,
  TimmWrapperModel,
  parseTimmResNetArgs,
  parseTimmViTArgs,
  resolveArchitecture,
  supportedArchitectures,
  type JsonObject,
} from '@purevit/models';

const WIDTHS: Record<string, [number, number]> = { tiny: [192, 3], small: [384, 6], medium: [512, 8], base: [768, 12], large: [1024, 16], huge: [1280, 16] };

describe('the timm architecture table', () => {
  it('is regular: every ViT entry matches its name (size, patch, image size) and parses', () => {
    const vits = Object.entries(ARCHITECTURE_TABLE.vision_transformer);
    expect(vits.length).toBeGreaterThanOrEqual(40);
    for (const [name, raw] of vits) {
      const m = /^(?:vit|deit3?)_(tiny|small|medium|base|large|huge)_patch(8|14|16|32)_(?:clip_(?:quickgelu_)?|reg4_)?(\d+|dinov2)(_miil)?$/.exec(name);
      expect(m, name).not.toBeNull();
      const args = parseTimmViTArgs(raw as unknown as JsonObject, name);
      const [size, patch, img] = [m![1], Number(m![2]), m![3]];
      expect([args.embedDim, args.numHeads], name).toEqual(WIDTHS[size]);
      expect(args.patchSize, name).toEqual([patch, patch]);
      expect(args.imgSize, name).toEqual(img === 'dinov2' ? [518, 518] : [Number(img), Number(img)]);
      expect(args.depth, name).toBe({ tiny: 12, small: 12, medium: 12, base: 12, large: 24, huge: 32 }[size]);
      // Variants: CLIP towers are pre-norm with LayerNorm eps 1e-5; DINOv2 / DeiT III carry LayerScale.
      expect(args.preNorm, name).toBe(name.includes('_clip_'));
      expect(args.normEps, name).toBe(name.includes('_clip_') ? 1e-5 : 1e-6);
      expect(args.actLayer, name).toBe(name.includes('quickgelu') ? 'quick_gelu' : 'gelu');
      expect(args.initValues, name).toBe(name.includes('dinov2') ? 1e-5 : name.startsWith('deit3') ? 1e-6 : null);
      expect(args.noEmbedClass, name).toBe(name.startsWith('deit3') || name.includes('reg4'));
      expect(args.regTokens, name).toBe(name.includes('reg4') ? 4 : 0);
      expect(args.qkvBias, name).toBe(!name.endsWith('_miil'));
    }
  });

  it('is regular: every ResNet entry parses; "d" variants have the deep stem and average-pool shortcuts', () => {
    for (const [name, raw] of Object.entries(ARCHITECTURE_TABLE.resnet)) {
      const args = parseTimmResNetArgs(raw as unknown as JsonObject, name);
      const depth = Number(/^resnet(\d+)/.exec(name)![1]);
      const blocks = args.layers.reduce((a, b) => a + b, 0);
      // depth = 2 (stem + fc) + convs per block × blocks
      expect(2 + blocks * (args.block === 'basic' ? 2 : 3), name).toBe(depth);
      expect(args.channels).toEqual([64, 128, 256, 512]);
      const variant = /^resnet\d+([a-z]*)$/.exec(name)![1];
      expect(args.stemType, name).toBe({ '': '', d: 'deep', t: 'deep_tiered' }[variant]);
      expect(args.avgDown, name).toBe(variant !== '');
      expect(args.stemWidth, name).toBe(variant === '' ? 64 : 32);
    }
    expect(supportedArchitectures()).toEqual(expect.arrayContaining(['resnet18', 'resnet26', 'resnet34', 'resnet50', 'resnet101', 'resnet152', 'resnet50d', 'resnet152d']));
  });
});

describe('resolveArchitecture', () => {
  it('merges model_args over the entry point and drops a pretrained tag', () => {
    const a = resolveArchitecture('vit_base_patch16_224.augreg2_in21k_ft_in1k', { depth: 3, global_pool: 'avg' });
    expect(a.name).toBe('vit_base_patch16_224');
    expect(a.family).toBe('vision_transformer');
    expect(a.args).toEqual({ img_size: 224, patch_size: 16, embed_dim: 768, depth: 3, num_heads: 12, global_pool: 'avg' });
    const parsed = parseTimmViTArgs(a.args, a.name);
    expect(parsed.useFcNorm).toBe(true); // fc_norm None → on for avg pooling
    expect(resolveArchitecture('resnet50d', { channels: [4, 8, 16, 32] }).args).toEqual({
      block: 'bottleneck', layers: [3, 4, 6, 3], stem_width: 32, stem_type: 'deep', avg_down: true, channels: [4, 8, 16, 32],
    });
  });

  it('a norm_layer in model_args replaces the CLIP towers\' eps-1e-5 LayerNorm with its own default', () => {
    const clip = resolveArchitecture('vit_base_patch16_clip_224');
    expect(parseTimmViTArgs(clip.args, clip.name).normEps).toBe(1e-5);
    const relayered = resolveArchitecture('vit_base_patch16_clip_224', { norm_layer: 'layernorm' });
    expect(parseTimmViTArgs(relayered.args, relayered.name).normEps).toBe(1e-6);
    expect(() => resolveArchitecture('vit_base_patch16_clip_224', { norm_eps: 1e-3 })).toThrow(/unknown argument "norm_eps"/);
  });

  it('an unknown architecture is an error listing the supported ones (both ends of the list, and how many more)', async () => {
    expect(() => resolveArchitecture('convnext_tiny')).toThrow(/unknown timm architecture "convnext_tiny"; supported: vit_tiny_patch16_224, .*resnet50d/);
    const config = TimmWrapperConfig.fromDict({ architecture: 'efficientnet_b0', num_classes: 10, pretrained_cfg: {} });
    const error = (await TimmWrapperModel.fromWeights(config, new Map()).then(() => undefined, (e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/unknown timm architecture "efficientnet_b0"; supported: vit_tiny_patch16_224, .* \((\d+) more\), .*resnet152d$/);
    const more = Number(/\((\d+) more\)/.exec(error.message)![1]);
    const shown = error.message.slice(error.message.indexOf('supported: ') + 11).split(', ').length - 1;
    expect(shown + more).toBe(supportedArchitectures().length);
    expect(error.message.length).toBeLessThan(300);
  });

  it('unknown or unsupported model arguments are errors naming them', () => {
    const vit = (args: JsonObject): unknown => parseTimmViTArgs(resolveArchitecture('vit_tiny_patch16_224', args).args, 'vit_tiny_patch16_224');
    expect(() => vit({ dept: 3 })).toThrow(/unknown model argument "dept"; supported: .*depth/);
    expect(() => vit({ global_pool: 'map' })).toThrow(/global_pool "map" \(attention pooling\) is not supported/);
    expect(() => vit({ global_pool: 'mean' })).toThrow(/global_pool "mean" is not a global pool type; supported: "", "token", "avg", "max", "avgmax"/);
    expect(() => vit({ class_token: false })).toThrow(/global_pool "token" needs class_token/);
    expect(() => vit({ act_layer: 'selu' })).toThrow(/act_layer "selu" is not supported; supported: gelu, gelu_tanh, quick_gelu/);
    expect(() => vit({ act_layer: 'gelu_new' })).toThrow(/act_layer "gelu_new" is not supported/); // a transformers name, not timm's
    expect(() => vit({ norm_layer: 'rmsnorm' })).toThrow(/norm_layer "rmsnorm" is not supported/);
    expect(() => vit({ num_classes: 5 })).toThrow(/must not set num_classes/);
    expect(() => vit({ scale_attn_norm: true })).toThrow(/scale_attn_norm=true .* is not supported/);
    expect(() => vit({ depth: 2.5 })).toThrow(/argument depth must be an integer in 0\.\.1024, got 2.5/);
    expect(() => vit({ embed_dim: 100, num_heads: 3 })).toThrow(/embed_dim 100 is not divisible by num_heads 3/);
    expect(() => vit({ img_size: [32] })).toThrow(/img_size must be a positive integer or \[height, width\]/);
    expect(vit({ drop_path_rate: 0.1, weight_init: 'jax' })).toBeTruthy(); // training-only arguments have no effect

    const resnet = (args: JsonObject): unknown => parseTimmResNetArgs(resolveArchitecture('resnet50', args).args, 'resnet50');
    expect(() => resnet({ output_stride: 16 })).toThrow(/output_stride 16 \(dilated stages\) is not supported/);
    expect(() => resnet({ stem_type: 'deep_wide' })).toThrow(/stem_type "deep_wide" is not supported/);
    expect(() => resnet({ attn_layer: 'se' })).toThrow(/attn_layer="se" \(attention \(SE\) blocks\) is not supported/);
    expect(() => resnet({ channels: [4, 8, 16] })).toThrow(/channels must be a list of 4 positive integers/);
    expect(() => resnet({ widht: 1 })).toThrow(/unknown model argument "widht"/);
    expect(() => parseTimmResNetArgs(resolveArchitecture('resnet18', { base_width: 32 }).args, 'resnet18')).toThrow(/BasicBlock only supports cardinality 1 and base_width 64/);
  });
});
