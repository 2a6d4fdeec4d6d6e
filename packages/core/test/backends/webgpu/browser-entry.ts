/** Bundled for Chromium by browser.test.ts: runs the checks on navigator.gpu and exposes the outputs. */

import { WebGpuBackend } from '../../../src/backends/webgpu/index.js';
import { runChecks, type CheckOutputs } from './browser-checks.js';

declare global {
  interface Window {
    webGpuChecks: Promise<CheckOutputs | { error: string }>;
  }
}

window.webGpuChecks = (async () => {
  try {
    const gpu = await WebGpuBackend.create();
    try {
      return await runChecks(gpu);
    } finally {
      gpu.dispose();
    }
  } catch (err) {
    return { error: `${(err as Error).name}: ${(err as Error).message}` };
  }
})();
