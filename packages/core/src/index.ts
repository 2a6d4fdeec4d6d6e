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
export { configureDefaultEngine, createEngine, createReferenceEngine, disposeDefaultEngine, getDefaultEngine, setDefaultEngine } from './engine/create-engine.js';
export { BACKEND_NAMES, BACKENDS, type BackendFactory, type BackendName } from './backends/index.js';
export type { Backend, BackendMemory } from './engine/backend.js';
export { BackendEngine } from './engine/backend-engine.js';
export { WorkQueue } from './engine/work-queue.js';
export { enableRelaxedSimd, hardwareConcurrency } from './backends/wasm/pool/platform.js';
export { relaxedSimdSupported, wasmSimdSupported } from './backends/wasm/kernel-module.js';

// The op registry: every op declared once (arguments, checks, reference), and each op's public helpers.
export * from './ops/index.js';

// Host-side numerics (on values read back, or on weights before they are packed).
export { erf, erfc } from './host/erf.js';
export { erfReference } from './host/erf-reference.js';
export { expf } from './host/exp.js';
export { foldBatchNorm } from './host/fold-batch-norm.js';
export { bceWithLogits, crossEntropy, maskedPixelL1Loss, mseLoss } from './host/losses.js';
export { maePixelLoss } from './host/mae-pixel-loss.js';
export { bceWithLogitsReference, crossEntropyReference, mseLossReference } from './host/losses-reference.js';
