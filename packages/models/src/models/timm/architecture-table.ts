/**
 * timm's model registry as data: entry-point name → the keyword arguments that entry point passes to
 * its model class (`model_args` of `vit_base_patch16_224()` in timm/models/vision_transformer.py,
 * `resnet50d()` in resnet.py, `deit3_base_patch16_224()` in deit.py), plus the `img_size` that
 * `build_model_with_cfg` takes from the default pretrained cfg of fixed-input-size models (ViTs).
 * TimmWrapper builds `timm.create_model(architecture, **model_args)`: config.json's model_args are
 * merged over these.
 *
 * One purevit-specific key: `norm_eps`, the eps of timm's `norm_layer=partial(LayerNorm, eps=1e-5)`
 * (CLIP towers), which JSON cannot spell; it applies only while `norm_layer` is the table's.
 *
 * Plain JSON (quoted keys, no code) so it can move to a .json file unchanged. Source: timm at the
 * commit pinned in golden/README.md. Keep it small and regular: families and sizes, not every tag.
 */
export const ARCHITECTURE_TABLE = {
  "vision_transformer": {
    "vit_tiny_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 192, "depth": 12, "num_heads": 3},
    "vit_tiny_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 192, "depth": 12, "num_heads": 3},
    "vit_small_patch32_224": {"img_size": 224, "patch_size": 32, "embed_dim": 384, "depth": 12, "num_heads": 6},
    "vit_small_patch32_384": {"img_size": 384, "patch_size": 32, "embed_dim": 384, "depth": 12, "num_heads": 6},
    "vit_small_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 384, "depth": 12, "num_heads": 6},
    "vit_small_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 384, "depth": 12, "num_heads": 6},
    "vit_small_patch8_224": {"img_size": 224, "patch_size": 8, "embed_dim": 384, "depth": 12, "num_heads": 6},
    "vit_base_patch32_224": {"img_size": 224, "patch_size": 32, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "vit_base_patch32_384": {"img_size": 384, "patch_size": 32, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "vit_base_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "vit_base_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "vit_base_patch8_224": {"img_size": 224, "patch_size": 8, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "vit_large_patch32_224": {"img_size": 224, "patch_size": 32, "embed_dim": 1024, "depth": 24, "num_heads": 16},
    "vit_large_patch32_384": {"img_size": 384, "patch_size": 32, "embed_dim": 1024, "depth": 24, "num_heads": 16},
    "vit_large_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 1024, "depth": 24, "num_heads": 16},
    "vit_large_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 1024, "depth": 24, "num_heads": 16},
    "vit_large_patch14_224": {"img_size": 224, "patch_size": 14, "embed_dim": 1024, "depth": 24, "num_heads": 16},
    "vit_huge_patch14_224": {"img_size": 224, "patch_size": 14, "embed_dim": 1280, "depth": 32, "num_heads": 16},
    "vit_base_patch16_224_miil": {"img_size": 224, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12, "qkv_bias": false},
    "vit_base_patch32_clip_224": {"img_size": 224, "patch_size": 32, "embed_dim": 768, "depth": 12, "num_heads": 12, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_base_patch32_clip_384": {"img_size": 384, "patch_size": 32, "embed_dim": 768, "depth": 12, "num_heads": 12, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_base_patch16_clip_224": {"img_size": 224, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_base_patch16_clip_384": {"img_size": 384, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_large_patch14_clip_224": {"img_size": 224, "patch_size": 14, "embed_dim": 1024, "depth": 24, "num_heads": 16, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_large_patch14_clip_336": {"img_size": 336, "patch_size": 14, "embed_dim": 1024, "depth": 24, "num_heads": 16, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_huge_patch14_clip_224": {"img_size": 224, "patch_size": 14, "embed_dim": 1280, "depth": 32, "num_heads": 16, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_huge_patch14_clip_336": {"img_size": 336, "patch_size": 14, "embed_dim": 1280, "depth": 32, "num_heads": 16, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05},
    "vit_base_patch32_clip_quickgelu_224": {"img_size": 224, "patch_size": 32, "embed_dim": 768, "depth": 12, "num_heads": 12, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05, "act_layer": "quick_gelu"},
    "vit_base_patch16_clip_quickgelu_224": {"img_size": 224, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05, "act_layer": "quick_gelu"},
    "vit_large_patch14_clip_quickgelu_224": {"img_size": 224, "patch_size": 14, "embed_dim": 1024, "depth": 24, "num_heads": 16, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05, "act_layer": "quick_gelu"},
    "vit_large_patch14_clip_quickgelu_336": {"img_size": 336, "patch_size": 14, "embed_dim": 1024, "depth": 24, "num_heads": 16, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05, "act_layer": "quick_gelu"},
    "vit_huge_patch14_clip_quickgelu_224": {"img_size": 224, "patch_size": 14, "embed_dim": 1280, "depth": 32, "num_heads": 16, "pre_norm": true, "norm_layer": "layernorm", "norm_eps": 1e-05, "act_layer": "quick_gelu"},
    "vit_small_patch14_dinov2": {"img_size": 518, "patch_size": 14, "embed_dim": 384, "depth": 12, "num_heads": 6, "init_values": 1e-05},
    "vit_small_patch14_reg4_dinov2": {"img_size": 518, "patch_size": 14, "embed_dim": 384, "depth": 12, "num_heads": 6, "init_values": 1e-05, "reg_tokens": 4, "no_embed_class": true},
    "vit_base_patch14_dinov2": {"img_size": 518, "patch_size": 14, "embed_dim": 768, "depth": 12, "num_heads": 12, "init_values": 1e-05},
    "vit_base_patch14_reg4_dinov2": {"img_size": 518, "patch_size": 14, "embed_dim": 768, "depth": 12, "num_heads": 12, "init_values": 1e-05, "reg_tokens": 4, "no_embed_class": true},
    "vit_large_patch14_dinov2": {"img_size": 518, "patch_size": 14, "embed_dim": 1024, "depth": 24, "num_heads": 16, "init_values": 1e-05},
    "vit_large_patch14_reg4_dinov2": {"img_size": 518, "patch_size": 14, "embed_dim": 1024, "depth": 24, "num_heads": 16, "init_values": 1e-05, "reg_tokens": 4, "no_embed_class": true},
    "deit_tiny_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 192, "depth": 12, "num_heads": 3},
    "deit_small_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 384, "depth": 12, "num_heads": 6},
    "deit_base_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "deit_base_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12},
    "deit3_small_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 384, "depth": 12, "num_heads": 6, "no_embed_class": true, "init_values": 1e-06},
    "deit3_small_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 384, "depth": 12, "num_heads": 6, "no_embed_class": true, "init_values": 1e-06},
    "deit3_medium_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 512, "depth": 12, "num_heads": 8, "no_embed_class": true, "init_values": 1e-06},
    "deit3_base_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12, "no_embed_class": true, "init_values": 1e-06},
    "deit3_base_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 768, "depth": 12, "num_heads": 12, "no_embed_class": true, "init_values": 1e-06},
    "deit3_large_patch16_224": {"img_size": 224, "patch_size": 16, "embed_dim": 1024, "depth": 24, "num_heads": 16, "no_embed_class": true, "init_values": 1e-06},
    "deit3_large_patch16_384": {"img_size": 384, "patch_size": 16, "embed_dim": 1024, "depth": 24, "num_heads": 16, "no_embed_class": true, "init_values": 1e-06},
    "deit3_huge_patch14_224": {"img_size": 224, "patch_size": 14, "embed_dim": 1280, "depth": 32, "num_heads": 16, "no_embed_class": true, "init_values": 1e-06},
  },
  "resnet": {
    "resnet10t": {"block": "basic", "layers": [1, 1, 1, 1], "stem_width": 32, "stem_type": "deep_tiered", "avg_down": true},
    "resnet14t": {"block": "bottleneck", "layers": [1, 1, 1, 1], "stem_width": 32, "stem_type": "deep_tiered", "avg_down": true},
    "resnet18": {"block": "basic", "layers": [2, 2, 2, 2]},
    "resnet18d": {"block": "basic", "layers": [2, 2, 2, 2], "stem_width": 32, "stem_type": "deep", "avg_down": true},
    "resnet26": {"block": "bottleneck", "layers": [2, 2, 2, 2]},
    "resnet26d": {"block": "bottleneck", "layers": [2, 2, 2, 2], "stem_width": 32, "stem_type": "deep", "avg_down": true},
    "resnet34": {"block": "basic", "layers": [3, 4, 6, 3]},
    "resnet34d": {"block": "basic", "layers": [3, 4, 6, 3], "stem_width": 32, "stem_type": "deep", "avg_down": true},
    "resnet50": {"block": "bottleneck", "layers": [3, 4, 6, 3]},
    "resnet50d": {"block": "bottleneck", "layers": [3, 4, 6, 3], "stem_width": 32, "stem_type": "deep", "avg_down": true},
    "resnet101": {"block": "bottleneck", "layers": [3, 4, 23, 3]},
    "resnet101d": {"block": "bottleneck", "layers": [3, 4, 23, 3], "stem_width": 32, "stem_type": "deep", "avg_down": true},
    "resnet152": {"block": "bottleneck", "layers": [3, 8, 36, 3]},
    "resnet152d": {"block": "bottleneck", "layers": [3, 8, 36, 3], "stem_width": 32, "stem_type": "deep", "avg_down": true},
  },
} as const;
