export {
  DTYPES,
  dtypeSize,
  float16BitsToFloat32Bits,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  isDType,
  toBfloat16Bits,
  toFloat16Bits,
  type DType,
  type TensorTypedArray,
  type TypedArrayOf,
} from './safetensors/dtypes.js';
export { SafetensorsError, type SafetensorsErrorCode } from './safetensors/errors.js';
export { MAX_HEADER_SIZE, parseHeader, type SafetensorsHeader, type TensorInfo } from './safetensors/header.js';
export { SafetensorsFile, type OpenOptions } from './safetensors/reader.js';
export { planSafetensors, writeSafetensors, type PlannedTensor, type TensorInput, type TensorInputs, type WritePlan } from './safetensors/writer.js';
export type { ByteSource } from './sources/byte-source.js';
export { bytesSource } from './sources/bytes.js';
export { blobSource } from './sources/blob.js';
export { httpRangeSource, type HttpRangeOptions } from './sources/http-range.js';
export { WeightError, type WeightErrorCode } from './weight-error.js';
export { mergeWeightMaps, weightMapFromSafetensors, type WeightEntry, type WeightMap } from './weight-map.js';
export { WeightScope } from './weight-scope.js';
export { addPrefix, concatRows, filterKeys, hasKeyPrefix, renameKeys, replaceInKeys, sliceRows, stripPrefix } from './adapters.js';
export { loadWeights, memoryRepo, type LoadWeightsOptions, type ModelRepo } from './repo.js';
export type { DownloadProgress, OpenRepo, OpenRepoOptions, ReadBytes } from './platform.js';
export { InvalidNameError } from './hub/validate.js';
export { HubError, type HubErrorCode } from './hub/errors.js';
export { resolveUrl } from './hub/resolve.js';
export { boundedMessage, clip, formatList, formatValue, MAX_MESSAGE_LENGTH, MAX_VALUE_LENGTH } from './limits/format-value.js';
export { withErrorContext } from './limits/error-context.js';
export { ConfigError, type ConfigErrorCode } from './limits/config-error.js';
export {
  CONFIG_BOUNDS,
  MAX_CONFIG_BYTES,
  MAX_CONFIG_DEPTH,
  checkBound,
  checkConfigSize,
  checkJsonDepth,
  formatBytes,
  parseConfigJson,
  withinBound,
  type Bound,
  type BoundName,
} from './limits/config-bounds.js';
export {
  DEFAULT_DOWNLOAD_LIMITS,
  DEFAULT_READ_LIMITS,
  ReadLimitError,
  resolveLimits,
  type ReadLimitCode,
  type ReadLimits,
  type ResolvedReadLimits,
} from './limits/read-limits.js';
export { ReadDeadline, fetchLimited, pumpLimited, readAllLimited } from './limits/limited-read.js';
export { readUrl } from './limits/read-url.js';
