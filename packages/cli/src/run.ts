/**
 * `purevit <command> …` as a function: parses argv, runs the command, and returns the exit code
 * (0 success, 1 bad input, 2 usage error), writing only to the given streams. main.ts wires it to
 * the process; tests call it directly.
 */

import { configureDefaultEngine, disposeDefaultEngine, enableRelaxedSimd, type BackendName } from '@purevit/core';
import { formatUsage, parseArgs, type FlagSpec, type ParsedArgs } from './args.js';
import type { Command } from './command.js';
import { attention } from './commands/attention.js';
import { bench } from './commands/bench.js';
import { classify } from './commands/classify.js';
import { embed } from './commands/embed.js';
import { info } from './commands/info.js';
import { serve } from './commands/serve.js';
import { EXIT_OK, UsageError, reportError } from './errors.js';
import { processIo, type CliIo } from './io.js';
import { createProgress } from './progress.js';
import { VERSION } from './version.js';

export const COMMANDS: readonly Command[] = [classify, embed, serve, attention, info, bench];

/** How every command computes (a command may define a flag of the same name with its own meaning, e.g. bench's). */
const ENGINE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  threads: { type: 'positive-integer', placeholder: '<n>', description: 'threads for the kernels (default: every hardware thread)' },
  backend: { type: 'string', placeholder: '<wasm|js>', description: 'kernels: wasm (WebAssembly SIMD, default) or js (plain TypeScript, one thread)' },
  'no-relaxed-simd': { type: 'boolean', description: 'plain SIMD GEMM instead of relaxed-SIMD FMA (the CLI enables relaxed SIMD in Node 20 otherwise)' },
};

const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  quiet: { type: 'boolean', description: 'no progress bars (they are drawn only when stderr is a terminal)', short: 'q' },
  debug: { type: 'boolean', description: 'print the stack trace of an error' },
  help: { type: 'boolean', description: 'show this help', short: 'h' },
};

export function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Usage: purevit <command> [options]',
    '',
    'Vision Transformer inference in pure TypeScript (Hugging Face and timm checkpoints).',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `purevit <command> --help` for its options. Models are local folders or Hugging Face hub ids,',
    'read through the shared Hugging Face cache (HF_HOME / HF_HUB_CACHE; HF_HUB_OFFLINE=1; HF_TOKEN);',
    'without --model, the bundled demo model (package @purevit/fashion-vit-tiny) is used.',
    '',
    'Every command takes --threads <n>, --backend <wasm|js> and --no-relaxed-simd (how the kernels run:',
    'by default WebAssembly SIMD with relaxed-SIMD FMA on every hardware thread).',
    '',
    'Exit codes: 0 success, 1 bad input, 2 usage error.',
  ].join('\n');
}

/** A command's flags, then the engine flags it does not define itself, then the common ones. */
function commandFlags(command: Command): Record<string, FlagSpec> {
  const engine = Object.fromEntries(Object.entries(ENGINE_FLAGS).filter(([name]) => !Object.prototype.hasOwnProperty.call(command.flags, name)));
  return { ...command.flags, ...engine, ...COMMON_FLAGS };
}

export function commandUsage(command: Command): string {
  return formatUsage(command.synopsis, command.description, commandFlags(command));
}

const BACKENDS: readonly BackendName[] = ['wasm', 'js'];

/**
 * Sets up the default engine the command's models load onto (created only when one is needed): relaxed-SIMD
 * FMA enabled first (Node 20 has it behind a V8 flag; before any module compiles) unless --no-relaxed-simd,
 * then --threads / --backend.
 */
async function setUpEngine(args: ParsedArgs, usage: string): Promise<void> {
  const backend = args.flags.get('backend') as string | undefined;
  if (backend !== undefined && !(BACKENDS as readonly string[]).includes(backend)) {
    throw new UsageError(`--backend must be ${BACKENDS.join(' or ')}, got ${JSON.stringify(backend)}`, usage);
  }
  const plain = args.flags.get('no-relaxed-simd') === true;
  if (!plain) await enableRelaxedSimd();
  configureDefaultEngine({
    backend: backend as BackendName | undefined,
    threads: args.flags.get('threads') as number | undefined,
    ...(plain && backend !== 'js' ? { relaxedSimd: false } : {}),
  });
}

function closest(name: string): string | undefined {
  const distance = (a: string, b: string): number => {
    const d = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
      let prev = d[0];
      d[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const next = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = d[j];
        d[j] = next;
      }
    }
    return d[b.length];
  };
  return COMMANDS.map((c) => c.name).find((c) => distance(name, c) <= 2);
}

export async function run(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const debug = argv.includes('--debug');
  const quiet = argv.includes('--quiet') || argv.includes('-q');
  const progress = createProgress(io.stderr, quiet);
  try {
    const [name, ...rest] = argv;
    if (name === undefined) throw new UsageError('missing command', mainUsage());
    if (name === '--help' || name === '-h' || name === 'help') {
      const command = COMMANDS.find((c) => c.name === rest[0]);
      io.stdout.write(`${command ? commandUsage(command) : mainUsage()}\n`);
      return EXIT_OK;
    }
    if (name === '--version') {
      io.stdout.write(`${VERSION}\n`);
      return EXIT_OK;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      const guess = name.startsWith('-') ? undefined : closest(name);
      const what = name.startsWith('-') ? `missing command before ${name}` : `unknown command ${JSON.stringify(name)}${guess ? ` (did you mean ${guess}?)` : ''}`;
      throw new UsageError(what, mainUsage());
    }
    const usage = commandUsage(command);
    const args = parseArgs(rest, commandFlags(command), usage);
    if (args.flags.get('help') === true) {
      io.stdout.write(`${usage}\n`);
      return EXIT_OK;
    }
    await setUpEngine(args, usage);
    try {
      return await command.run(args, { io, progress, usage });
    } finally {
      await disposeDefaultEngine();
    }
  } catch (e) {
    progress.clear();
    return reportError(e, io, debug);
  }
}
