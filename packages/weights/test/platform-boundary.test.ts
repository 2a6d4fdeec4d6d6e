// index.ts and platform-web.ts (and everything they import) must run in a browser: no node:* imports.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../src/', import.meta.url));

function importGraph(entry: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const visit = (file: string): void => {
    if (graph.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const specifiers = [...text.matchAll(/^(?:import|export)[^'"]*from\s+'([^']+)'/gm)].map((m) => m[1]);
    graph.set(file, specifiers);
    for (const s of specifiers) if (s.startsWith('.')) visit(resolve(dirname(file), s.replace(/\.js$/, '.ts')));
  };
  visit(join(src, entry));
  return graph;
}

describe('platform boundary', () => {
  it.each([['index.ts'], ['platform-web.ts']])('%s reaches no node:* module', (entry) => {
    const graph = importGraph(entry);
    expect(graph.size).toBeGreaterThan(3);
    const offenders = [...graph].filter(([, specs]) => specs.some((s) => s.startsWith('node:') || s === 'fs' || s === 'path'));
    expect(offenders.map(([f]) => f.slice(src.length))).toEqual([]);
  });

  it('platform-node.ts and platform-web.ts export the same functions', async () => {
    const node = await import('../src/platform-node.js');
    const web = await import('../src/platform-web.js');
    for (const name of Object.keys(web)) expect(typeof (node as Record<string, unknown>)[name], name).toBe('function');
    expect(Object.keys(web).sort()).toEqual(['openRepo', 'readBytes']);
  });

  it('package.json maps ./platform to the node build under the node condition and to the web build otherwise', () => {
    const pkg = JSON.parse(readFileSync(join(src, '../package.json'), 'utf8')) as { exports: Record<string, Record<string, unknown>> };
    const platform = pkg.exports['./platform'];
    expect(Object.keys(platform)[0]).toBe('node');
    expect(platform.node).toEqual({ types: './dist/platform-node.d.ts', default: './dist/platform-node.js' });
    expect(platform.default).toBe('./dist/platform-web.js');
  });
});
