/** What classify and embed share as batch jobs: the input flags and the shard's slice of the list. */

import type { FlagSpec, ParsedArgs } from '../args.js';
import { stringFlag, type CommandContext } from '../command.js';
import { UsageError } from '../errors.js';
import { inputList } from './input-list.js';
import { parseShard, shardRange, type Shard } from './shard.js';

export const JOB_FLAGS: Readonly<Record<string, FlagSpec>> = {
  manifest: { type: 'string', placeholder: '<file>', description: 'also read inputs from this file: one image path or URL per line (# comments)' },
  shard: { type: 'string', placeholder: '<i/n>', description: 'process only slice i of n of the input list (0-based; e.g. $JOB_COMPLETION_INDEX/8)' },
  resume: { type: 'boolean', description: 'continue the job in the output: skip inputs it already holds' },
};

export interface JobInputs {
  /** This shard's inputs, in list order. */
  inputs: string[];
  shard: Shard | undefined;
}

export async function jobInputs(args: ParsedArgs, ctx: CommandContext, what: string): Promise<JobInputs> {
  const manifest = stringFlag(args, 'manifest');
  if (args.positionals.length === 0 && manifest === undefined) throw new UsageError(`missing ${what}`, ctx.usage);
  const shardText = stringFlag(args, 'shard');
  let shard: Shard | undefined;
  try {
    shard = shardText === undefined ? undefined : parseShard(shardText);
  } catch (e) {
    throw new UsageError((e as Error).message, ctx.usage);
  }
  const all = await inputList(args.positionals, manifest === undefined ? [] : [manifest]);
  if (all.length === 0) throw new Error(`no inputs: ${manifest} lists no images`);
  const [start, end] = shard ? shardRange(all.length, shard) : [0, all.length];
  return { inputs: all.slice(start, end), shard };
}
