/**
 * The WebGPU backend under test: Dawn (the `webgpu` devDependency) on SwiftShader, the CPU Vulkan driver
 * Debian's chromium package ships. One backend per test file (a device per process is plenty). A missing
 * driver is an error that says what to install, never a skipped test.
 */

import { existsSync } from 'node:fs';
import { create } from 'webgpu';
import { WebGpuBackend, type WebGpuBackendOptions } from '../../../src/backends/webgpu/index.js';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Points Vulkan at SwiftShader (unless the environment already names a driver). */
export function useSwiftShader(): void {
  if (process.env.VK_ICD_FILENAMES) return;
  if (!existsSync(SWIFTSHADER_ICD)) {
    throw new Error(`the WebGPU tests need SwiftShader's Vulkan driver: ${SWIFTSHADER_ICD} is missing (apt-get install chromium libvulkan1)`);
  }
  process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
}

export async function swiftShaderBackend(options: WebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  useSwiftShader();
  try {
    return await WebGpuBackend.create({ gpu: create([]), ...options });
  } catch (err) {
    throw new Error(`no WebGPU adapter on SwiftShader (${(err as Error).message}); the Vulkan loader comes from Debian's libvulkan1 and the driver from chromium: apt-get install chromium libvulkan1`);
  }
}
