// The pipelines run in browsers too: nothing they import (transitively, within the models package)
// is a node:* module; files and the hub go through @purevit/weights/platform.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src/', import.meta.url));

it('the pipelines reach no node:* module', () => {
  const seen = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const specifiers = [...readFileSync(file, 'utf8').matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
    seen.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(`${src}pipelines/pipeline.ts`);
  visit(`${src}pipelines/heat-map.ts`);
  expect(seen.size).toBeGreaterThan(10);
  const offenders = [...seen].filter(([, specs]) => specs.some((s) => s.startsWith('node:'))).map(([f]) => f.slice(src.length));
  expect(offenders).toEqual([]);
  expect([...seen.values()].flat()).toContain('@purevit/weights/platform');
});
