export { COMMANDS, commandUsage, mainUsage, run } from './run.js';
export { EXIT_INPUT, EXIT_OK, EXIT_USAGE, UsageError } from './errors.js';
export type { CliIo, OutputStream } from './io.js';
export type { Command, CommandContext } from './command.js';
