/**
 * Adds context to an error on its way up ("loading ViTModel from org/x: …", "photo.png: …") without
 * losing its type: the same error object is rethrown with the prefix in its (still bounded) message,
 * so callers can keep telling a ConfigError from a SafetensorsError by class and `code`.
 */

import { boundedMessage, formatValue } from './format-value.js';

/** `error` with `context: ` before its message (an Error of the same class), or a new Error for a thrown non-Error. */
export function withErrorContext(error: unknown, context: string): Error {
  if (error instanceof Error) {
    try {
      if (!error.message.startsWith(context)) error.message = boundedMessage(`${context}: ${error.message}`);
    } catch {
      // A frozen or exotic error object keeps its message.
    }
    return error;
  }
  return new Error(boundedMessage(`${context}: ${formatValue(error, 200)}`), { cause: error });
}
