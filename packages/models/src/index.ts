// Configs
export { PretrainedConfig, PROBLEM_TYPES, type JsonObject, type JsonValue, type ProblemType } from './configs/pretrained-config.js';
export { ViTConfig, type Size2 } from './models/vit/vit-config.js';

// Layers (shared by every ViT-style family)
export { Linear, concatLinears, readLinear, type LinearWeights } from './layers/linear.js';
export { LayerNorm } from './layers/layer-norm.js';
export { Attention, type AttentionImplementation, type AttentionOptions, type AttentionScratch } from './layers/attention.js';
export { Mlp, activationName } from './layers/mlp.js';
export { BlockScratch } from './layers/block-scratch.js';
export { TransformerBlock, type TransformerBlockParts } from './layers/transformer-block.js';
export { PatchEmbed } from './layers/patch-embed.js';

// Models
export type { BaseModelOutputWithPooling, ImageClassifierOutput, LoadReport, MaskedImageModelingOutput } from './models/model-outputs.js';
export type { LoadOptions } from './models/load-options.js';
export type { BoolMask } from './models/tensor-utils.js';
export { adaptViTCheckpoint } from './models/vit/vit-checkpoint.js';
export { ViTEmbeddings } from './models/vit/vit-embeddings.js';
export { loadViTEncoder, loadViTLayer } from './models/vit/vit-encoder.js';
export {
  ViTModel, type ForwardHeadOptions, type ForwardIntermediatesOptions, type ForwardIntermediatesOutput, type ViTModelInputs, type ViTModelLoadOptions,
} from './models/vit/vit-model.js';
export { ViTPooler } from './models/vit/vit-pooler.js';
export { ViTForImageClassification, type ViTForImageClassificationInputs, type ViTForImageClassificationLoadOptions } from './models/vit/vit-for-image-classification.js';
export { ViTForMaskedImageModeling, type ViTForMaskedImageModelingLoadOptions } from './models/vit/vit-for-masked-image-modeling.js';
export { classificationLoss, inferProblemType, type Labels } from './models/classification-loss.js';
export { headMaskPerLayer } from './models/head-mask.js';
export type {
  BaseForwardInputs, ImageClassificationModel, ImageFeatureModel, MaskedImageModelingModel, PretrainedModel,
} from './models/model-interfaces.js';
export { VIT_FAMILY } from './models/vit/vit-family.js';

// Auto classes
export { AutoConfig } from './auto/auto-config.js';
export { AutoModel, AutoModelForImageClassification, AutoModelForMaskedImageModeling } from './auto/auto-model.js';
export {
  MODEL_FAMILIES, PENDING_MODEL_TYPES, familyFor, resolveModelType,
  type AutoLoadOptions, type AutoTask, type ModelFamily, type TaskClass, type TaskModels,
} from './auto/registry.js';

// Pipelines
export { pipeline, PIPELINE_TASKS, type PipelineTask, type Pipelines } from './pipelines/pipeline.js';
export { DEFAULT_BATCH_SIZE, type PipelineCallOptions, type PipelineOptions } from './pipelines/pipeline-options.js';
export type { PipelineInput } from './pipelines/batching.js';
export { DEFAULT_MODEL } from './pipelines/default-model.js';
export {
  defaultClassificationFunction, imageClassificationPipeline, topKLabels,
  type ClassificationFunction, type ClassificationResult, type ImageClassificationOptions, type ImageClassificationPipeline,
} from './pipelines/image-classification.js';
export { imageFeatureExtractionPipeline, type ImageFeatureExtractionOptions, type ImageFeatureExtractionPipeline } from './pipelines/image-feature-extraction.js';
export {
  attentionMapPipeline, patchGrid, type AttentionMap, type AttentionMapOptions, type AttentionMapPipeline, type AttentionMethod,
} from './pipelines/attention-map.js';
export { attentionRollout, clsAttention } from './pipelines/attention-rollout.js';
export { heatMapOverlay, inferno, upsampleMap, type HeatMapOptions } from './pipelines/heat-map.js';
