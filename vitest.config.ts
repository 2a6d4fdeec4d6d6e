import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = fileURLToPath(new URL('./packages/', import.meta.url));

// Tests run against the TypeScript sources, so `npm test` needs no build step.
export default defineConfig({
  resolve: {
    alias: [
      // Platform modules resolve to their Node variant under test (the `node` export condition).
      { find: /^@purevit\/weights\/platform$/, replacement: `${packages}weights/src/platform-node.ts` },
      { find: /^@purevit\/([a-z-]+)$/, replacement: `${packages}$1/src/index.ts` },
      { find: /^@purevit\/([a-z-]+)\/(.+)$/, replacement: `${packages}$1/src/$2.ts` },
    ],
  },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'benchmarks/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Builds packages/cli/dist for the tests that run the real bin in a child process.
    globalSetup: ['test-utils/build-cli.ts'],
  },
});
