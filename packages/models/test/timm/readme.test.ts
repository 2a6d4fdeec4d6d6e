// The timm wrapper README's example is run as it is written, from the repository root.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const readmePath = fileURLToPath(new URL('../../src/models/timm/README.md', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'purevit-timm-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('timm README example runs and prints what it says', async () => {
  const code = /```ts\n([\s\S]*?)```/.exec(readFileSync(readmePath, 'utf8'))![1];
  const file = join(dir, 'example.ts');
  writeFileSync(file, code);
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
  const cwd = process.cwd();
  process.chdir(fileURLToPath(new URL('../../../../', import.meta.url)));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    process.chdir(cwd);
    spy.mockRestore();
  }
  expect(logs[0][0]).toBe('Ankle boot'); // samples.json: 0000_9.png, PyTorch predicts 9
  expect(logs[1]).toEqual([[1, 96], [1, 96, 7, 7]]);
});
