export { Tensor, type NestedArray } from './tensor.js';
export { allocFloat32, isShared, sharedMemoryAvailable } from './storage.js';
export { assertValidShape, formatShape, inferShape, shapeSize, shapeStrides, shapesEqual, type Shape } from './shape.js';
export { tensorFromNdarray, tensorToNdarray, type NumericNdarray } from './ndarray.js';

// Engines: where weights and activations live and which kernels run on them ('wasm' or 'js').
export {
  BACKEND_NAMES, type Arena, type ArenaOptions, type BackendName, type Conv2dNhwcOptions, type Engine, type EngineDescription, type EngineOptions,
  type LinearOptions, type PatchEmbedOptions, type PreparedConv2d, type PreparedLinear, type PreparedPatchEmbed,
} from './engine/engine.js';
export { configureDefaultEngine, createEngine, disposeDefaultEngine, getDefaultEngine, setDefaultEngine } from './engine/create-engine.js';
export { enableRelaxedSimd, hardwareConcurrency } from './parallel/platform.js';
export { relaxedSimdSupported, wasmSimdSupported } from './wasm/kernel-module.js';
export { HeapExhaustedError } from './wasm/heap.js';

// Kernels (fast paths; each has a naive reference below).
export { matmul, matmulPackedRows } from './kernels/matmul.js';
export { linear, linearRows, linearStrided, prepareLinear, type LinearEpilogue, type LinearLayer, type LinearStrides } from './kernels/linear.js';
export { layerNorm, layerNormRows } from './kernels/layer-norm.js';
export { erf, erfc } from './kernels/erf.js';
export { expf } from './kernels/exp.js';
export { ACTIVATION_NAMES, activationKind, isActivationName, type ActivationKind, type ActivationName } from './kernels/activation-name.js';
export { applyActivation, geluErf, geluTanh, quickGelu, relu, sigmoid, silu, tanh } from './kernels/activations.js';
export { softmax, softmaxRows } from './kernels/softmax.js';
export { attentionEager, attentionEagerUnits, attentionFused, attentionFusedUnits, type AttentionEagerOptions, type AttentionIO, type AttentionShape } from './kernels/attention.js';
export { conv2d, conv2dOutputShape, type Conv2dOptions } from './kernels/conv2d.js';
export { patchEmbed } from './kernels/patch-embed.js';
export {
  conv2dNhwcOutputShape, convGeometry, convSpec, gatherPatches, im2rowLength, im2rowNhwc, isPointwise, nchwToNhwc, nhwcToNchw,
  type ConvGeometry, type ConvSpec,
} from './kernels/im2row.js';
export { maxPool2d, maxPool2dOutputShape, type MaxPool2dOptions } from './kernels/max-pool2d.js';
export { adaptiveAvgPool2d } from './kernels/adaptive-avg-pool2d.js';
export { batchNorm, foldBatchNorm } from './kernels/batch-norm.js';
export { pixelShuffle } from './kernels/pixel-shuffle.js';
export { interpolate, type InterpolateOptions } from './kernels/interpolate.js';
export { bceWithLogits, crossEntropy, mseLoss } from './kernels/losses.js';

// Naive reference kernels: the ground truth the fast kernels are tested against.
export { matmulReference } from './reference/matmul.js';
export { linearReference } from './reference/linear.js';
export { layerNormReference } from './reference/layer-norm.js';
export { erfReference } from './reference/erf.js';
export {
  applyActivationReference, geluErfReference, geluTanhReference, quickGeluReference, reluReference, sigmoidReference, siluReference, tanhReference,
} from './reference/activations.js';
export { softmaxReference } from './reference/softmax.js';
export { attentionReference } from './reference/attention.js';
export { conv2dReference } from './reference/conv2d.js';
export { patchEmbedReference } from './reference/patch-embed.js';
export { maxPool2dReference } from './reference/max-pool2d.js';
export { adaptiveAvgPool2dReference } from './reference/adaptive-avg-pool2d.js';
export { batchNormReference, foldBatchNormReference } from './reference/batch-norm.js';
export { pixelShuffleReference } from './reference/pixel-shuffle.js';
export { interpolateReference } from './reference/interpolate.js';
export { bceWithLogitsReference, crossEntropyReference, mseLossReference } from './reference/losses.js';
