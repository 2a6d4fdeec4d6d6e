// Module hooks that let a plain `node` child process run the repository's TypeScript sources, as
// vitest's aliases do for tests: `@purevit/<pkg>[/<path>]` → packages/<pkg>/src/<path or index>.ts
// (`@purevit/weights/platform` → the Node platform module), `./x.js` written in a .ts file → ./x.ts,
// and every .ts file transpiled on load (types erased, nothing checked: tsc does that). Transpiled
// files are cached on disk by path, size and mtime, so later children skip TypeScript entirely.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const ROOT = new URL('../../', import.meta.url);

export async function resolve(specifier, context, next) {
  const m = /^@purevit\/([a-z-]+)(?:\/(.+))?$/.exec(specifier);
  if (m) {
    const [, pkg, sub] = m;
    const file = sub === undefined ? 'index.ts' : pkg === 'weights' && sub === 'platform' ? 'platform-node.ts' : `${sub}.ts`;
    return { url: new URL(`packages/${pkg}/src/${file}`, ROOT).href, shortCircuit: true };
  }
  if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts') && (specifier.startsWith('.') || specifier.startsWith('/'))) {
    const url = new URL(specifier.slice(0, -3) + '.ts', context.parentURL);
    if (existsSync(fileURLToPath(url))) return { url: url.href, shortCircuit: true };
  }
  return next(specifier, context);
}

const CACHE = join(tmpdir(), `purevit-ts-cache-${userInfo().uid}`);
let typescript;

async function transpile(path) {
  typescript ??= (await import('typescript')).default;
  const ts = typescript;
  const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, isolatedModules: true, verbatimModuleSyntax: true, sourceMap: false };
  return ts.transpileModule(await readFile(path, 'utf8'), { compilerOptions: options, fileName: path }).outputText;
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const path = fileURLToPath(url);
  const info = await stat(path);
  const key = createHash('sha1').update(`${path}\0${info.size}\0${info.mtimeMs}`).digest('hex');
  const cached = join(CACHE, `${key}.mjs`);
  let source = await readFile(cached, 'utf8').catch(() => undefined);
  if (source === undefined) {
    source = await transpile(path);
    await mkdir(CACHE, { recursive: true });
    const temp = `${cached}.${process.pid}.tmp`;
    await writeFile(temp, source);
    await rename(temp, cached);
  }
  return { format: 'module', source, shortCircuit: true };
}
