/**
 * vitest globalSetup: builds the CLI (`tsc -b packages/cli`, incremental: ≈ 0.5 s when dist/ is up to
 * date), so the tests that run the real `purevit` bin in a child process (servers killed with
 * SIGTERM, batch jobs killed with SIGKILL) run the current sources, not a stale dist/.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export default function buildCli(): void {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  execFileSync(process.execPath, [tsc, '-b', 'packages/cli'], { cwd: fileURLToPath(new URL('../', import.meta.url)), stdio: 'inherit' });
}
