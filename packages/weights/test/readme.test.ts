// The README's example is run as it is written.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';

const pkg = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'purevit-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('README example runs and prints what it says', async () => {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)![1];
  const file = join(dir, 'example.ts');
  writeFileSync(file, code);
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    spy.mockRestore();
  }
  expect([...(logs[0][0] as Float32Array)]).toEqual([1, 2, 3, 4]);
  expect([...(logs[0][1] as Float32Array)]).toEqual([0.5, -0.5]);
  expect(logs[0][2]).toEqual(['classifier.weight']);
  expect(logs[1][0]).toBe('shape mismatch for vit.encoder.layer.0.attention.attention.query.weight: expected [2,3] got [2,2]');
});
