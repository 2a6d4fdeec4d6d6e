import { fileURLToPath } from 'node:url';
import { run } from '../src/index.js';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Sample paths as a user in the repository root types them (tests run with the root as cwd). */
export const SAMPLE = 'models/fashion-eval/samples/0000_9.png'; // PyTorch: Ankle boot
export const SAMPLE2 = 'models/fashion-eval/samples/0001_2.png'; // PyTorch: Pullover
export const SAMPLE3 = 'models/fashion-eval/samples/0002_1.png'; // PyTorch: Trouser

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `purevit <argv>` as a function, capturing its output; `tty` makes stderr look like a terminal. */
export async function cli(argv: readonly string[], options: { tty?: boolean } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await run(argv, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s), isTTY: options.tty ?? false, columns: 100 },
  });
  return { code, stdout, stderr };
}
