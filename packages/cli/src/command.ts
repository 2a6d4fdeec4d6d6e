import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL, DEFAULT_MODEL_NAME } from '@purevit/models';
import type { FlagSpec, FlagValue, ParsedArgs } from './args.js';
import { UsageError } from './errors.js';
import type { CliIo } from './io.js';
import type { Progress } from './progress.js';

export interface CommandContext {
  io: CliIo;
  progress: Progress;
  /** The command's usage text, for usage errors found while running it. */
  usage: string;
}

/** One `purevit <name>` command. */
export interface Command {
  name: string;
  /** One line for the command list. */
  summary: string;
  /** e.g. "purevit classify <images...> [options]" */
  synopsis: string;
  description: string;
  flags: Readonly<Record<string, FlagSpec>>;
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}

export const MODEL_FLAG: FlagSpec = {
  type: 'string',
  placeholder: '<dir|hub-id>',
  description: 'model folder or Hugging Face hub id (default: the bundled demo model, @purevit/fashion-vit-tiny)',
  short: 'm',
};

export const BATCH_SIZE_FLAG: FlagSpec = { type: 'positive-integer', placeholder: '<n>', description: 'images per forward pass (default 8)' };

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  return args.flags.get(name) as string | undefined;
}

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  return args.flags.get(name) as number | undefined;
}

export function booleanFlag(args: ParsedArgs, name: string): boolean {
  return (args.flags.get(name) as FlagValue | undefined) === true;
}

export interface ModelChoice {
  /** What openRepo gets: a folder path or a hub id. */
  source: string;
  /** What the user sees. */
  display: string;
}

/**
 * --model as given (a folder, else a hub id); without it the bundled model (package @purevit/fashion-vit-tiny). A missing path that
 * cannot be a hub id (`namespace/name`) either is reported as a missing folder, not as a bad repo id.
 */
export async function modelChoice(value: string | undefined): Promise<ModelChoice> {
  if (value !== undefined) {
    const exists = (await stat(value).catch(() => null)) !== null;
    if (!exists && (value.split('/').length > 2 || value.includes('\\'))) throw new Error(`${value} is not a folder`);
    return { source: value, display: value };
  }
  // The bundled model's package, wherever it is installed (node_modules, or the monorepo's packages/).
  return { source: fileURLToPath(DEFAULT_MODEL), display: DEFAULT_MODEL_NAME };
}

/**
 * Checks that image paths name existing files, so a typo fails before any model is loaded; URLs
 * pass through. The arguments are then read as given (relative to the working directory).
 */
export async function checkImages(images: readonly string[]): Promise<void> {
  for (const image of images) {
    if (/^(https?|data|file):/i.test(image)) continue;
    const info = await stat(image).catch(() => null);
    if (info === null) throw new Error(`${image}: no such file`);
    if (!info.isFile()) throw new Error(`${image}: not a file`);
  }
}

export function requirePositionals(args: ParsedArgs, what: string, ctx: CommandContext, max = Infinity): string[] {
  if (args.positionals.length === 0) throw new UsageError(`missing ${what}`, ctx.usage);
  if (args.positionals.length > max) throw new UsageError(`expected ${max === 1 ? 'one' : max} ${what}, got ${args.positionals.length}: ${args.positionals.join(' ')}`, ctx.usage);
  return args.positionals;
}
