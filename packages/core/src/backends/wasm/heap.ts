/**
 * The WebAssembly heap: one `WebAssembly.Memory` that every kernel instance (main thread and workers)
 * imports, plus a first-fit allocator over it. WASM kernels can only address their linear memory, so
 * weights and activations that live here are used in place; anything else is copied through scratch.
 *
 * Two modes:
 * - shared (SharedArrayBuffer usable): `shared: true` memory that workers map too. It grows on demand;
 *   growth never detaches views handed out earlier (they keep their length, the memory behind them stays).
 * - unshared (e.g. a page without cross-origin isolation): growing a non-shared memory detaches every
 *   view into it, so this heap never grows once created. It reserves `initialBytes` up front (only touched
 *   pages become resident on 64-bit engines), and `tryAlloc` returns null when full so callers fall back
 *   to plain arrays or kernels.
 *
 * Allocator metadata lives in JS (not in the memory), so a stray kernel write cannot corrupt it.
 */

import { HeapExhaustedError } from '../../engine/heap-exhausted.js';
import { sharedMemoryAvailable } from '../../storage.js';

export const PAGE_BYTES = 65536;
/** Every block starts on a 64-byte boundary: a cache line, so threads writing neighbouring blocks do not false-share (also satisfies v128's 16). */
export const HEAP_ALIGN = 64;
/** wasm32 can address at most 65536 pages (4 GiB). */
export const MAX_PAGES = 65536;

export interface WasmHeapOptions {
  /** Use a shared memory (default: when SharedArrayBuffer is available here). */
  shared?: boolean;
  /** Bytes reserved at creation (default 16 MiB shared, 256 MiB unshared, where growth is impossible). */
  initialBytes?: number;
  /** Upper bound for a shared memory (default 4 GiB, lowered automatically if the engine refuses). */
  maximumBytes?: number;
}

interface Block {
  ptr: number;
  size: number;
}

/** The first `RESERVED_BYTES` are never handed out, so pointer 0 can mean "none" in kernel arguments. */
const RESERVED_BYTES = HEAP_ALIGN;

export { HeapExhaustedError };

export class WasmHeap {
  readonly memory: WebAssembly.Memory;
  readonly shared: boolean;
  /** Maximum pages the memory may grow to (equal to the current size for an unshared heap). */
  readonly maxPages: number;
  private readonly holes: Block[] = []; // sorted by ptr, coalesced
  private readonly live = new Map<number, number>(); // ptr -> size
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top: number; // end of the highest block ever carved from the memory's tail

  constructor(options: WasmHeapOptions = {}) {
    const shared = options.shared ?? sharedMemoryAvailable();
    this.shared = shared;
    const initialBytes = options.initialBytes ?? (shared ? 16 << 20 : 256 << 20);
    const initialPages = Math.max(1, Math.ceil(initialBytes / PAGE_BYTES));
    if (initialPages > MAX_PAGES) throw new RangeError(`WasmHeap: initialBytes ${initialBytes} exceeds 4 GiB`);
    if (shared) {
      const wanted = Math.min(MAX_PAGES, Math.ceil((options.maximumBytes ?? MAX_PAGES * PAGE_BYTES) / PAGE_BYTES));
      const { memory, maxPages } = createSharedMemory(initialPages, Math.max(initialPages, wanted));
      this.memory = memory;
      this.maxPages = maxPages;
    } else {
      this.memory = new WebAssembly.Memory({ initial: initialPages });
      this.maxPages = initialPages;
    }
    this.top = RESERVED_BYTES;
    this.noteBuffer();
  }

  /** Current size of the memory in bytes. */
  get byteLength(): number {
    return this.memory.buffer.byteLength;
  }

  /** Bytes in live blocks. */
  get allocatedBytes(): number {
    let n = 0;
    for (const size of this.live.values()) n += size;
    return n;
  }

  /** Allocates `bytes` (rounded up to HEAP_ALIGN), 64-byte aligned; throws HeapExhaustedError when impossible. */
  alloc(bytes: number): number {
    const ptr = this.tryAlloc(bytes);
    if (ptr === null) throw new HeapExhaustedError(bytes, this.maxPages * PAGE_BYTES);
    return ptr;
  }

  /** Like `alloc`, but returns null instead of throwing when the heap cannot hold the block. Contents are unspecified. */
  tryAlloc(bytes: number): number | null {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new RangeError(`WasmHeap.alloc: invalid size ${bytes}`);
    const size = Math.max(HEAP_ALIGN, roundUp(bytes, HEAP_ALIGN));
    for (let i = 0; i < this.holes.length; i++) {
      const b = this.holes[i];
      if (b.size < size) continue;
      const ptr = b.ptr;
      if (b.size === size) this.holes.splice(i, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      this.live.set(ptr, size);
      return ptr;
    }
    // Carve from the tail, growing the memory if needed (and possible).
    const ptr = this.top;
    const end = ptr + size;
    if (end > this.byteLength && !this.growTo(end)) return null;
    this.top = end;
    this.live.set(ptr, size);
    return ptr;
  }

  /** Returns a block to the heap. Views into it must no longer be used. */
  free(ptr: number): void {
    const size = this.live.get(ptr);
    if (size === undefined) throw new Error(`WasmHeap.free: ${ptr} is not a live block`);
    this.live.delete(ptr);
    // Insert sorted, then merge with neighbours; a block touching `top` goes back to the tail.
    let i = 0;
    while (i < this.holes.length && this.holes[i].ptr < ptr) i++;
    this.holes.splice(i, 0, { ptr, size });
    if (i + 1 < this.holes.length && ptr + size === this.holes[i + 1].ptr) {
      this.holes[i].size += this.holes[i + 1].size;
      this.holes.splice(i + 1, 1);
    }
    if (i > 0 && this.holes[i - 1].ptr + this.holes[i - 1].size === ptr) {
      this.holes[i - 1].size += this.holes[i].size;
      this.holes.splice(i, 1);
      i--;
    }
    const last = this.holes[this.holes.length - 1];
    if (last.ptr + last.size === this.top) {
      this.top = last.ptr;
      this.holes.pop();
    }
  }

  /** Size of a live block (its allocation rounded up), or undefined. */
  blockSize(ptr: number): number | undefined {
    return this.live.get(ptr);
  }

  /** Live blocks as [ptr, size] pairs (for tests and diagnostics). */
  liveBlocks(): Array<[number, number]> {
    return [...this.live.entries()].sort((a, b) => a[0] - b[0]);
  }

  /** Free regions below the tail as [ptr, size] pairs. */
  freeBlocks(): Array<[number, number]> {
    return this.holes.map((b) => [b.ptr, b.size]);
  }

  /** Bytes that can still be allocated (the free regions below the tail and what is left above it, up to the maximum size). */
  get availableBytes(): number {
    let free = this.maxPages * PAGE_BYTES - this.top;
    for (const hole of this.holes) free += hole.size;
    return free;
  }

  /** Offset of the first byte never handed out (the tail). */
  get tail(): number {
    return this.top;
  }

  /** A Float32Array view of `length` floats at `ptr`. It stays valid: a shared heap's growth does not detach it, an unshared heap never grows. */
  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.noteBuffer(), ptr, length);
  }

  /** An Int32Array view of `length` ints at `ptr`. */
  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.noteBuffer(), ptr, length);
  }

  /** Allocates `length` zeroed floats and returns the view (free with `freeArray`). */
  allocFloat32(length: number): Float32Array {
    const view = this.f32(this.alloc(length * 4), length);
    view.fill(0);
    return view;
  }

  /** Like `allocFloat32`, or null when the heap is full (unshared heaps never grow). */
  tryAllocFloat32(length: number): Float32Array | null {
    const ptr = this.tryAlloc(length * 4);
    if (ptr === null) return null;
    const view = this.f32(ptr, length);
    view.fill(0);
    return view;
  }

  /** Frees the block a view returned by `allocFloat32` starts at. */
  freeArray(array: Float32Array): void {
    const ptr = this.locate(array);
    if (ptr === null) throw new Error('WasmHeap.freeArray: array does not live in this heap');
    this.free(ptr);
  }

  /**
   * The byte offset of `array` in this heap's memory, or null when it lives elsewhere. Views made from
   * any buffer this heap handed out count (a shared memory returns a new buffer object after growth).
   */
  locate(array: ArrayBufferView): number | null {
    const buffer = array.buffer;
    if (buffer !== this.memory.buffer && !this.buffers.has(buffer)) return null;
    return array.byteOffset;
  }

  private noteBuffer(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return buffer;
  }

  private growTo(bytes: number): boolean {
    if (!this.shared) return false;
    const needed = Math.ceil(bytes / PAGE_BYTES);
    const current = this.byteLength / PAGE_BYTES;
    if (needed > this.maxPages) return false;
    // Grow geometrically so a model's many small allocations do not grow page by page.
    const target = Math.min(this.maxPages, Math.max(needed, Math.ceil(current * 1.25)));
    try {
      this.memory.grow(target - current);
    } catch {
      try {
        this.memory.grow(needed - current);
      } catch {
        return false;
      }
    }
    this.noteBuffer();
    return true;
  }
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}

/** Engines may refuse to reserve a 4 GiB shared memory (32-bit, mobile): halve the maximum until one accepts. */
function createSharedMemory(initial: number, maximum: number): { memory: WebAssembly.Memory; maxPages: number } {
  let max = maximum;
  for (;;) {
    try {
      return { memory: new WebAssembly.Memory({ initial, maximum: max, shared: true }), maxPages: max };
    } catch (error) {
      if (max <= initial) throw error;
      max = Math.max(initial, Math.floor(max / 2));
    }
  }
}
