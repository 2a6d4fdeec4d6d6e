// The README's examples run as they are written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const pkg = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'purevit-core-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runBlock(index: number): Promise<unknown[][]> {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const code = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)][index][1];
  const file = join(dir, `example${index}.ts`);
  writeFileSync(file, code);
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  return logs;
}

it('the engine example runs: the same numbers as the synchronous kernels, on the FMA engine it describes', async () => {
  const engineLogs = await runBlock(0);
  const syncLogs = await runBlock(1);
  expect(engineLogs[0][0]).toMatchObject({ backend: 'wasm', simd: 'relaxed', sharedMemory: true });
  const fromEngine = (engineLogs[1][0] as string[]).map(Number);
  const fromKernels = (syncLogs[0][0] as number[][]).flat();
  expect(fromEngine).toHaveLength(6);
  fromEngine.forEach((v, i) => expect(v).toBeCloseTo(fromKernels[i], 4));
});
