export { Tensor, type NestedArray } from './tensor.js';
export { allocFloat32, isShared, sharedMemoryAvailable } from './storage.js';
export { assertValidShape, formatShape, inferShape, shapeSize, shapeStrides, shapesEqual, type Shape } from './shape.js';
export { tensorFromNdarray, tensorToNdarray, type NumericNdarray } from './ndarray.js';

// Engines: where weights and activations live, which backend runs the ops, and the only way data comes back (read).
export type {
  Arena, ArenaOptions, Engine, EngineDescription, EngineOps, EngineOptions, PreparedConv2d, PreparedLinear,
} from './engine/engine.js';
export { DeviceArray } from './engine/device-array.js';
export { HeapExhaustedError } from './engine/heap-exhausted.js';
export { configureDefaultEngine, createEngine, disposeDefaultEngine, getDefaultEngine, setDefaultEngine } from './engine/create-engine.js';
export { BACKEND_NAMES, BACKENDS, type BackendFactory, type BackendName } from './backends/index.js';
export type { Backend, BackendMemory } from './engine/backend.js';
export { BackendEngine } from './engine/backend-engine.js';
export { WorkQueue } from './engine/work-queue.js';
export { enableRelaxedSimd, hardwareConcurrency } from './backends/wasm/pool/platform.js';
export { relaxedSimdSupported, wasmSimdSupported } from './backends/wasm/kernel-module.js';

// The op registry: every op declared once (arguments, checks, reference).
export { OP_NAMES, OPS, runReference, type OpArgs, type OpName, type OpOf } from './ops/index.js';
export { declareOp, type OpDeclaration, type Sized } from './ops/op.js';
export { ACTIVATION_NAMES, activationKind, isActivationName, type ActivationKind, type ActivationName } from './ops/activation-name.js';
export { ACTIVATION_FORMULAS, activationReference, type ActivationArgs } from './ops/activation.js';
export type { AdaptivePool2dArgs, AdaptivePoolMode } from './ops/adaptive-pool2d.js';
export type { AttentionArgs } from './ops/attention-args.js';
export type { AttentionEagerArgs } from './ops/attention-eager.js';
export type { AttentionFusedArgs } from './ops/attention-fused.js';
export type { BinaryBroadcastArgs } from './ops/binary-broadcast.js';
export {
  conv2dOutputShape, conv2dScratchLength, convGeometry, convSpec, isPointwise, referenceConvWeight, samePadding,
  type Conv2dArgs, type Conv2dOptions, type ConvGeometry, type ConvSpec, type ConvWeight,
} from './ops/conv2d.js';
export type { CopyRowsArgs } from './ops/copy-rows.js';
export type { EmbedTokensArgs } from './ops/embed-tokens.js';
export type { InterpolateArgs, InterpolateOptions } from './ops/interpolate.js';
export type { LayerNormArgs } from './ops/layer-norm.js';
export { TORCH_LAYOUT, torchGemmWeight, type GemmWeight, type LinearArgs } from './ops/linear.js';
export type { MaskTokensArgs } from './ops/mask-tokens.js';
export type { PatchifyArgs } from './ops/patchify.js';
export type { PixelShuffleArgs } from './ops/pixel-shuffle.js';
export { pool2dOutputShape, type Pool2dArgs } from './ops/pool2d.js';
export type { ScaleAddArgs } from './ops/scale-add.js';
export type { SoftmaxArgs } from './ops/softmax.js';
export type { TransposeArgs } from './ops/transpose.js';

// Host-side numerics (on values read back, or on weights before they are packed).
export { erf, erfc } from './host/erf.js';
export { erfReference } from './host/erf-reference.js';
export { expf } from './host/exp.js';
export { foldBatchNorm } from './host/fold-batch-norm.js';
export { bceWithLogits, crossEntropy, maskedPixelL1Loss, mseLoss } from './host/losses.js';
export { bceWithLogitsReference, crossEntropyReference, mseLossReference } from './host/losses-reference.js';
