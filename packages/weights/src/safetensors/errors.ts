/**
 * Every problem with a safetensors file surfaces as a `SafetensorsError`: a stable `code` for
 * programs, the offending tensor's name where there is one, and a message that says what is wrong.
 */

import { boundedMessage, formatValue } from '../limits/format-value.js';

export type SafetensorsErrorCode =
  | 'file_too_small' // fewer than 8 bytes: no header length
  | 'header_too_large' // header length above the cap or beyond the end of the file
  | 'invalid_header' // not UTF-8, not JSON, not an object
  | 'invalid_entry' // a tensor entry with missing or malformed fields
  | 'unknown_dtype'
  | 'size_mismatch' // shape × dtype size ≠ byte length
  | 'offsets_out_of_bounds' // data offsets beyond the data section
  | 'non_contiguous' // gaps or overlaps between tensors, or trailing bytes
  | 'duplicate_tensor'
  | 'invalid_metadata' // __metadata__ not a string → string map
  | 'unknown_tensor' // asked for a name the file does not hold
  | 'unsupported_conversion' // e.g. readFloat32 of a dtype that has no float meaning
  | 'read_failed' // the byte source returned fewer bytes than asked, or failed
  | 'invalid_tensor'; // writer input that cannot be serialised

export class SafetensorsError extends Error {
  override readonly name = 'SafetensorsError';
  readonly code: SafetensorsErrorCode;
  /** The tensor the problem is about, when there is one. */
  readonly tensor: string | undefined;

  constructor(code: SafetensorsErrorCode, message: string, tensor?: string, options?: { cause?: unknown }) {
    super(boundedMessage(tensor === undefined ? message : `${message} (tensor ${formatValue(tensor)})`), options);
    this.code = code;
    this.tensor = tensor;
  }
}
