/**
 * The CLI's failure contract: exit 2 for usage errors (with the command's usage), exit 1 for bad
 * input (missing or corrupt image, unknown model, bad model folder), each as one line on stderr;
 * --debug adds the stack.
 */

import { clip } from '@purevit/weights';
import type { CliIo } from './io.js';

export const EXIT_OK = 0;
export const EXIT_INPUT = 1;
export const EXIT_USAGE = 2;

/** A mistake in the command line itself: unknown command or flag, missing argument, bad value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';

  /** `usage`: the usage text of the command concerned, printed under the message. */
  constructor(message: string, readonly usage?: string) {
    super(message);
  }
}

/** Longest message printed: purevit's errors keep to 299 characters; others (Node's) are cut to this. */
const MAX_LINE = 1000;

/** One line: the message with its whitespace runs (newlines included) collapsed, at most MAX_LINE characters. */
export function oneLine(error: unknown): string {
  let message: string;
  try {
    message = error instanceof Error ? error.message : String(error);
  } catch {
    message = '';
  }
  return clip(message.slice(0, 4 * MAX_LINE).replace(/\s*\n\s*/g, ' ').trim(), MAX_LINE) || (error instanceof Error ? error.name : 'unknown error');
}

/** Writes the error as the contract says and returns the exit code. */
export function reportError(error: unknown, io: CliIo, debug: boolean): number {
  io.stderr.write(`purevit: ${oneLine(error)}\n`);
  if (error instanceof UsageError) {
    if (error.usage) io.stderr.write(`\n${error.usage}\n`);
    return EXIT_USAGE;
  }
  if (debug && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT_INPUT;
}
