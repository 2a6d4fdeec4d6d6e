/**
 * Runs README examples as they are written: a ```ts block is written to a scratch module and imported
 * (vitest's aliases resolve `@purevit/*` in it), with console.log captured.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, vi } from 'vitest';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** The ```ts code blocks of a markdown file, in order. */
export function tsBlocks(markdownPath: string): string[] {
  return [...readFileSync(markdownPath, 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
}

/** A scratch folder for the examples of one test file, removed after its tests. */
export function exampleDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes `code` to `file` and imports it, from `cwd` when given (restored afterwards); returns the
 * argument lists of every console.log it made.
 */
export async function runExample(code: string, file: string, cwd?: string): Promise<unknown[][]> {
  writeFileSync(file, code);
  const logs: unknown[][] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logs.push(args));
  const previous = process.cwd();
  if (cwd !== undefined) process.chdir(cwd);
  try {
    await import(/* @vite-ignore */ file);
  } finally {
    process.chdir(previous);
    spy.mockRestore();
  }
  return logs;
}
