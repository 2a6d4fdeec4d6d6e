/**
 * Vite config of the demo page, shared by `npm run demo` (dev server), `vite build`, the bundle-size
 * script and the browser test (which call `demoConfig` programmatically).
 *
 * - `@purevit/*` resolve to the packages' TypeScript sources (no build step), and
 *   `@purevit/weights/platform` to platform-web.ts: the browser variant, never platform-node.
 * - Every response carries COOP/COEP, so the page is cross-origin isolated (SharedArrayBuffer, threads),
 *   except with `?isolation=off`, which leaves them out to try the single-thread mode.
 * - The repository's `models/` folder (the bundled model and sample images) is served at `/models/`,
 *   with HEAD and Range requests (the weights are read tensor by tensor); it is never bundled.
 */

import { fileURLToPath } from 'node:url';
import type { UserConfig } from 'vite';
import { crossOriginIsolation, serveFolder } from './server/plugins.js';

const demoRoot = fileURLToPath(new URL('.', import.meta.url));
const packages = fileURLToPath(new URL('..', import.meta.url));
const models = fileURLToPath(new URL('../../models', import.meta.url));

export interface DemoConfigOptions {
  /** Where `vite build` writes the page (default packages/demo/dist). */
  outDir?: string;
}

export function demoConfig(options: DemoConfigOptions = {}): UserConfig {
  return {
    root: demoRoot,
    base: './',
    appType: 'mpa',
    publicDir: false,
    clearScreen: false,
    resolve: {
      alias: [
        { find: /^@purevit\/weights\/platform$/, replacement: `${packages}weights/src/platform-web.ts` },
        { find: /^@purevit\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      ],
    },
    plugins: [crossOriginIsolation(), serveFolder('/models/', models)],
    build: {
      outDir: options.outDir ?? fileURLToPath(new URL('dist', import.meta.url)),
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
    },
  };
}

export default demoConfig();
