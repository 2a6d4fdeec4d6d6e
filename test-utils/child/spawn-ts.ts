/**
 * Child processes running the repository's TypeScript (through register.mjs): real separate
 * processes for what one process cannot show (concurrent cache writers, peak memory of one input,
 * a watchdog that survives a hang or an abort).
 */
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const REGISTER = fileURLToPath(new URL('./register.mjs', import.meta.url));

/** Forks `node --import register.mjs <script> ...args` with an IPC channel. */
export function forkTs(script: string, args: readonly string[] = [], options: ForkOptions & { nodeArgs?: string[] } = {}): ChildProcess {
  const { nodeArgs = [], ...rest } = options;
  return fork(script, [...args], { ...rest, execArgv: ['--import', REGISTER, ...nodeArgs], serialization: 'advanced' });
}
