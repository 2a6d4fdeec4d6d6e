/**
 * Getting a WebGPU device: from `navigator.gpu` in browsers, or from the `gpu` object the caller passes
 * (Node, Deno, Bun: e.g. the `webgpu` package's `create([])`, never a dependency of core). The device asks
 * for the adapter's largest buffers and workgroup memory, and tracks loss so every later call can fail
 * with a clear error instead of hanging.
 */

import { WebGpuDeviceLostError, WebGpuUnavailableError } from './errors.js';
import type { GpuAdapter, GpuAdapterInfo, GpuDevice, GpuLike, GpuLimitName, GpuLimits, GpuProvider } from './gpu-api.js';

export interface WebGpuDeviceOptions {
  /** A WebGPU implementation (Node / Deno / Bun); default `navigator.gpu`. */
  gpu?: GpuProvider;
  powerPreference?: 'low-power' | 'high-performance';
}

/** What the adapter is, as `engine.describe()` reports it. */
export interface WebGpuAdapterDescription {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

/** Limits raised to the adapter's maximum: big weights and activations, large workgroup tiles. */
const RAISED_LIMITS: readonly GpuLimitName[] = [
  'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX', 'maxStorageBuffersPerShaderStage',
];

export class WebGpuDevice {
  private lostInfo: WebGpuDeviceLostError | null = null;

  private constructor(
    readonly device: GpuDevice,
    readonly adapter: WebGpuAdapterDescription,
    /** Held for the device's lifetime: an implementation may tear its device down when these are collected. */
    private readonly owners: readonly [GpuProvider, GpuAdapter],
  ) {
    device.lost.then(
      (info) => {
        this.lostInfo = new WebGpuDeviceLostError(info.reason, info.message);
      },
      () => {},
    );
  }

  static async acquire(options: WebGpuDeviceOptions = {}): Promise<WebGpuDevice> {
    const gpu = (options.gpu ?? navigatorGpu()) as GpuLike | undefined;
    if (gpu && typeof gpu.requestAdapter !== 'function') throw new WebGpuUnavailableError('the gpu option is not a WebGPU GPU object (it has no requestAdapter)');
    if (!gpu) {
      throw new WebGpuUnavailableError(
        'WebGPU is not available: this runtime has no navigator.gpu; in Node, Deno or Bun pass a WebGPU implementation as { gpu } (e.g. create([]) from the "webgpu" package)',
      );
    }
    const adapter = await gpu.requestAdapter(options.powerPreference ? { powerPreference: options.powerPreference } : undefined);
    if (!adapter) throw new WebGpuUnavailableError('WebGPU is available but no adapter was found (no usable GPU or driver)');
    const requiredLimits: Partial<Record<GpuLimitName, number>> = {};
    for (const name of RAISED_LIMITS) requiredLimits[name] = adapter.limits[name];
    let device: GpuDevice;
    try {
      device = await adapter.requestDevice({ label: 'purevit', requiredLimits });
    } catch (err) {
      throw new WebGpuUnavailableError(`WebGPU adapter refused a device: ${(err as Error).message}`);
    }
    return new WebGpuDevice(device, describeAdapter(adapter.info), [gpu, adapter]);
  }

  get limits(): GpuLimits {
    return this.device.limits;
  }

  /** Throws WebGpuDeviceLostError once the device is lost. */
  checkAlive(): void {
    if (this.lostInfo) throw this.lostInfo;
  }

  /** The loss, if the device was lost. */
  get lost(): WebGpuDeviceLostError | null {
    return this.lostInfo;
  }
}

function navigatorGpu(): GpuProvider | undefined {
  const nav = (globalThis as { navigator?: { gpu?: GpuProvider } }).navigator;
  return nav?.gpu ?? undefined;
}

function describeAdapter(info: GpuAdapterInfo | undefined): WebGpuAdapterDescription {
  return {
    vendor: info?.vendor ?? '',
    architecture: info?.architecture ?? '',
    device: info?.device ?? '',
    description: info?.description ?? '',
  };
}
