// Configs
export { PretrainedConfig, PROBLEM_TYPES, type JsonObject, type JsonValue, type ProblemType } from './configs/pretrained-config.js';
export { ViTConfig, type Size2 } from './models/vit/vit-config.js';
export { VisionEncoderConfig, type EncoderDefaults } from './configs/vision-encoder-config.js';
export { readBackboneStages, type BackboneStages } from './configs/backbone-stages.js';
export { DeiTConfig } from './models/deit/deit-config.js';
export { Dinov2Config } from './models/dinov2/dinov2-config.js';
export { Dinov2WithRegistersConfig } from './models/dinov2/dinov2-with-registers-config.js';
export { BeitConfig } from './models/beit/beit-config.js';
export { ViTMAEConfig } from './models/vit-mae/vit-mae-config.js';
export { ViTMSNConfig } from './models/vit-msn/vit-msn-config.js';

// Layers (shared by every ViT-style family)
export { Linear, concatLinears, readLinear, type LinearForward, type LinearWeights } from './layers/linear.js';
export { LayerNorm, type LayerNormLayout } from './layers/layer-norm.js';
export { Attention, type AttentionImplementation, type AttentionOptions, type AttentionScratch, type QkNorm } from './layers/attention.js';
export { Mlp, activationName } from './layers/mlp.js';
export { blockScratch, blockScratchLengths, type BlockScratch } from './layers/block-scratch.js';
export { RunState, Serial, fitBatch } from './layers/run-state.js';
export { TransformerBlock, type TransformerBlockParts } from './layers/transformer-block.js';
export { PatchEmbed } from './layers/patch-embed.js';
export { LayerScale } from './layers/layer-scale.js';
export { Conv2d, type Conv2dForwardOptions, type Conv2dSpec, type FeatureMap } from './layers/conv2d.js';
export { BATCH_NORM_EPS, readBatchNorm, type BatchNormParams } from './layers/batch-norm.js';
export { GLOBAL_POOL_2D_TYPES, poolFeatureMultiplier, selectAdaptivePool2d, type GlobalPool2dType } from './layers/select-adaptive-pool2d.js';
export { resamplePosEmbed } from './layers/pos-embed.js';

// Models
export type { BaseModelOutputWithPooling, ImageClassifierOutput, LoadReport, MaskedImageModelingOutput } from './models/model-outputs.js';
export type { LoadOptions } from './models/load-options.js';
export { openArena } from './models/model-arena.js';
export { runTransformer, type TransformerRun } from './models/transformer-run.js';
export {
  featureOrder, featureTakeIndices, outputFormat,
  type ForwardContract, type ForwardHeadOptions, type ForwardIntermediatesOptions, type ForwardIntermediatesOutput,
} from './models/forward-contract.js';
export { ForwardOutputs, withOutputs, type DeviceTensor } from './models/forward-outputs.js';
export { tokenIntermediates } from './models/token-intermediates.js';
export type { BoolMask } from './models/tensor-utils.js';
export { adaptViTCheckpoint } from './models/vit/vit-checkpoint.js';
export { ViTEmbeddings, type EmbeddingBuffers } from './models/vit/vit-embeddings.js';
export { loadViTEncoder, loadViTLayer } from './models/vit/vit-encoder.js';
export {
  ViTModel, selectTokenDevice, type EncodeRequest, type Encoded, type ViTForwardIntermediatesOptions, type ViTModelInputs, type ViTModelLoadOptions,
} from './models/vit/vit-model.js';
export { ViTPooler } from './models/vit/vit-pooler.js';
export { ViTForImageClassification, type ViTForImageClassificationInputs, type ViTForImageClassificationLoadOptions } from './models/vit/vit-for-image-classification.js';
export { ViTForMaskedImageModeling, type ViTForMaskedImageModelingLoadOptions } from './models/vit/vit-for-masked-image-modeling.js';
export { classificationLoss, inferProblemType, type Labels } from './models/classification-loss.js';
export { headMaskPerLayer } from './models/head-mask.js';
export type {
  BaseForwardInputs, ImageClassificationModel, ImageFeatureModel, MaskedImageModelingModel, PreTrainingModel, PreTrainingOutput, PretrainedModel,
} from './models/model-interfaces.js';
export { VIT_FAMILY } from './models/vit/vit-family.js';
export { DEIT_FAMILY } from './models/deit/deit-family.js';
export { DINOV2_FAMILY, DINOV2_WITH_REGISTERS_FAMILY } from './models/dinov2/dinov2-family.js';
export { VIT_MAE_FAMILY } from './models/vit-mae/vit-mae-family.js';
export { VIT_MSN_FAMILY } from './models/vit-msn/vit-msn-family.js';
export { BEIT_FAMILY } from './models/beit/beit-family.js';

// The ViT family's relatives: DeiT, DINOv2 (+ registers), BEiT, ViTMAE, ViTMSN
export { adaptBaseModelPrefix } from './models/base-model-prefix.js';
export { EncoderModel, readEach, type EncoderInputs, type EncoderIntermediatesOptions } from './models/encoder/encoder-model.js';
export { EncoderTaskModel, buildTaskModel } from './models/encoder/encoder-task-model.js';
export type { EmbedChunk, PerImageInput, TokenEmbeddings } from './models/encoder/token-embeddings.js';
export { PatchTokenEmbeddings, type PatchTokenEmbeddingsOptions, type PositionResize } from './models/encoder/patch-token-embeddings.js';
export { DEIT_BACKBONE, DEIT_HEADS, adaptDeiTCheckpoint } from './models/deit/deit-checkpoint.js';
export { DeiTModel, type DeiTModelLoadOptions } from './models/deit/deit-model.js';
export { EncoderClassifier, loadClassifier, type ClassifierInputs } from './models/encoder/encoder-classifier.js';
export { DeiTForImageClassification, type DeiTForImageClassificationLoadOptions } from './models/deit/deit-for-image-classification.js';
export {
  DeiTForImageClassificationWithTeacher, type DeiTForImageClassificationWithTeacherLoadOptions, type DeiTForImageClassificationWithTeacherOutput,
} from './models/deit/deit-for-image-classification-with-teacher.js';
export { SwiGluMlp } from './layers/swiglu-mlp.js';
export type { FeedForward } from './layers/feed-forward.js';
export { DINOV2_BACKBONE, DINOV2_WITH_REGISTERS_BACKBONE, adaptDinov2Checkpoint } from './models/dinov2/dinov2-checkpoint.js';
export { loadDinov2Layer } from './models/dinov2/dinov2-layer.js';
export { Dinov2FamilyModel, type Dinov2Layout } from './models/dinov2/dinov2-family-model.js';
export { Dinov2Model, type Dinov2ModelInputs, type Dinov2ModelLoadOptions } from './models/dinov2/dinov2-model.js';
export { Dinov2WithRegistersModel, type Dinov2WithRegistersModelLoadOptions } from './models/dinov2/dinov2-with-registers-model.js';
export {
  Dinov2ForImageClassification, Dinov2WithRegistersForImageClassification,
  type Dinov2ForImageClassificationLoadOptions, type Dinov2WithRegistersForImageClassificationLoadOptions,
} from './models/dinov2/dinov2-for-image-classification.js';
export { VIT_MAE_BACKBONE, adaptViTMAECheckpoint } from './models/vit-mae/vit-mae-checkpoint.js';
export { randomMasking, type RandomMasking } from './models/vit-mae/random-masking.js';
export { ViTMAEEmbeddings } from './models/vit-mae/vit-mae-embeddings.js';
export { ViTMAEModel, type MaskingPlan, type ViTMAEModelInputs, type ViTMAEModelLoadOptions, type ViTMAEModelOutput } from './models/vit-mae/vit-mae-model.js';
export { ViTMAEDecoder, type DecoderInput } from './models/vit-mae/vit-mae-decoder.js';
export { ViTMAEForPreTraining, type ViTMAEForPreTrainingLoadOptions, type ViTMAEForPreTrainingOutput } from './models/vit-mae/vit-mae-for-pre-training.js';
export { BEIT_BACKBONE, adaptBeitCheckpoint } from './models/beit/beit-checkpoint.js';
export { relativeDistanceCount, relativePositionIndex } from './models/beit/relative-position-index.js';
export { BeitRelativePositionBias } from './models/beit/relative-position-bias.js';
export { loadBeitLayer, type BeitLayer } from './models/beit/beit-layer.js';
export { BeitModel, type BeitModelLoadOptions, type BeitPooling } from './models/beit/beit-model.js';
export { BeitForImageClassification, type BeitForImageClassificationLoadOptions } from './models/beit/beit-for-image-classification.js';
export { VIT_MSN_BACKBONE, adaptViTMSNCheckpoint } from './models/vit-msn/vit-msn-checkpoint.js';
export { ViTMSNModel, type ViTMSNModelLoadOptions } from './models/vit-msn/vit-msn-model.js';
export { ViTMSNForImageClassification, type ViTMSNForImageClassificationLoadOptions } from './models/vit-msn/vit-msn-for-image-classification.js';

// timm wrapper (timm VisionTransformer and ResNet checkpoints through transformers' TimmWrapper classes)
export { TimmWrapperConfig, type TimmWrapperConfigOverrides } from './models/timm/timm-wrapper-config.js';
export { IMAGENET_1K_LABELS } from './models/timm/imagenet-1k-labels.js';
export { ARCHITECTURE_TABLE } from './models/timm/architecture-table.js';
export { resolveArchitecture, supportedArchitectures, type TimmArchitecture, type TimmFamily } from './models/timm/architectures.js';
export { parseTimmViTArgs, TIMM_ACTIVATIONS, type TimmViTArgs, type VitGlobalPool } from './models/timm/timm-vit-args.js';
export { parseTimmResNetArgs, type ResNetBlockType, type ResNetStemType, type TimmResNetArgs } from './models/timm/timm-resnet-args.js';
export type { TimmForwardHeadOptions, TimmForwardIntermediatesOptions, TimmForwardIntermediatesOutput, TimmModel } from './models/timm/timm-model.js';
export { resampleAbsPosEmbed } from './models/timm/timm-pos-embed.js';
export { TimmVisionTransformer } from './models/timm/timm-vit.js';
export { Downsample, ResNetBlock, ResNetStem } from './models/timm/resnet-blocks.js';
export { TimmResNet } from './models/timm/timm-resnet.js';
export { CLASSIFIER_MODULE, createTimmModel, TIMM_FAMILIES, type TimmFamilyBuilder } from './models/timm/create-timm-model.js';
export { TIMM_WRAPPER_PREFIX, adaptTimmCheckpoint, type TimmCheckpointOptions } from './models/timm/timm-checkpoint.js';
export { TimmWrapperModel, type TimmWrapperLoadOptions, type TimmWrapperModelInputs, type TimmWrapperModelOutput } from './models/timm/timm-wrapper-model.js';
export { TimmWrapperForImageClassification, type TimmWrapperForImageClassificationInputs } from './models/timm/timm-wrapper-for-image-classification.js';
export { TIMM_WRAPPER_FAMILY } from './models/timm/timm-family.js';

// Auto classes
export { AutoConfig } from './auto/auto-config.js';
export { AutoModel, AutoModelForImageClassification, AutoModelForMaskedImageModeling, AutoModelForPreTraining } from './auto/auto-model.js';
export {
  MODEL_FAMILIES, PENDING_FAMILIES, PENDING_MODEL_TYPES, familyFor, imageProcessorClasses, imageProcessorFor, resolveModelType,
  type AutoLoadOptions, type AutoTask, type ModelFamily, type PendingFamily, type TaskClass, type TaskModels,
} from './auto/registry.js';
export { AutoImageProcessor } from './auto/auto-image-processor.js';
export {
  BEIT_IMAGE_PROCESSOR, BIT_IMAGE_PROCESSOR, DEIT_IMAGE_PROCESSOR, TIMM_WRAPPER_IMAGE_PROCESSOR, VIT_HYBRID_IMAGE_PROCESSOR, VIT_IMAGE_PROCESSOR,
  type AnyImageProcessor, type ImageProcessorClass,
} from './auto/image-processors.js';

// Pipelines
export { pipeline, PIPELINE_TASKS, type PipelineTask, type Pipelines } from './pipelines/pipeline.js';
export { DEFAULT_BATCH_SIZE, type PipelineCallOptions, type PipelineOptions } from './pipelines/pipeline-options.js';
export type { PipelineInput } from './pipelines/batching.js';
export { ModelOutputError, checkFinite } from './pipelines/output-check.js';
export { DEFAULT_MODEL, DEFAULT_MODEL_NAME, openDefaultModel } from './pipelines/default-model.js';
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
