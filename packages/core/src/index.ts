export { Tensor, type NestedArray } from './tensor.js';
export { allocFloat32, isShared, sharedMemoryAvailable } from './storage.js';
export { assertValidShape, formatShape, inferShape, shapeSize, shapeStrides, shapesEqual, type Shape } from './shape.js';
