// Builds the demo page with Vite (minified, into a temporary folder) and reports the size of what the
// page loads besides the model: the HTML, JS and CSS, minified and gzipped (node:zlib, level 9), plus
// where the JS comes from (per package, before minification). `npm run demo:size`; `--json` for JSON.
// Fails if the bundle imports a Node built-in (a runtime package leaking Node-only code).

import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const demo = fileURLToPath(new URL('..', import.meta.url));
const repo = join(demo, '../..');
const json = process.argv.includes('--json');

const outDir = await mkdtemp(join(tmpdir(), 'purevit-demo-size-'));
try {
  const output = await build({ configFile: join(demo, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const chunks = (Array.isArray(output) ? output : [output]).flatMap((o) => o.output).filter((o) => o.type === 'chunk');

  const leaks = chunks.flatMap((c) => c.imports.filter((i) => i.startsWith('node:')).map((i) => `${c.fileName} imports ${i}`));
  for (const c of chunks) if (c.code.includes('__vite-browser-external')) leaks.push(`${c.fileName} holds a Node built-in stub (__vite-browser-external)`);

  const files = [];
  const walk = async (dir) => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else files.push(path);
    }
  };
  await walk(outDir);
  const rows = [];
  for (const path of files.sort()) {
    const bytes = await readFile(path);
    rows.push({ file: relative(outDir, path), minified: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
  }
  const total = { minified: rows.reduce((s, r) => s + r.minified, 0), gzip: rows.reduce((s, r) => s + r.gzip, 0) };

  const sources = {};
  for (const c of chunks) {
    for (const [id, m] of Object.entries(c.modules)) {
      const rel = relative(repo, id);
      const key = rel.startsWith('packages/') ? rel.split('/').slice(0, 2).join('/') : rel.startsWith('node_modules/') ? rel.split('/').slice(0, 2).join('/') : 'other';
      sources[key] = (sources[key] ?? 0) + m.renderedLength;
    }
  }

  if (json) {
    process.stdout.write(`${JSON.stringify({ files: rows, total, sourcesBeforeMinify: sources, leaks }, null, 2)}\n`);
  } else {
    const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
    const lines = ['demo page bundle (model weights excluded: they are fetched from the server at run time)', ''];
    lines.push(`${'file'.padEnd(36)}${'minified'.padStart(10)}${'gzip'.padStart(10)}`);
    for (const r of rows) lines.push(`${r.file.padEnd(36)}${kb(r.minified)}${kb(r.gzip)}`);
    lines.push(`${'total'.padEnd(36)}${kb(total.minified)}${kb(total.gzip)}`, '', 'JS by source, before minification:');
    for (const [k, n] of Object.entries(sources).sort((a, b) => b[1] - a[1])) lines.push(`  ${k.padEnd(34)}${kb(n)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (leaks.length > 0) {
    process.stderr.write(`error: the browser bundle pulls in Node-only code:\n  ${leaks.join('\n  ')}\n`);
    process.exitCode = 1;
  }
} finally {
  await rm(outDir, { recursive: true, force: true });
}
