import { defineConfig } from 'vitest/config';
import base from '../vitest.config.js';

// The peer runtimes' logits checks: run by `npm run bench:peers` after it installs the peers, never by `npm test`.
export default defineConfig({ ...base, test: { ...base.test, include: ['benchmarks/peers-test/**/*.test.ts'] } });
