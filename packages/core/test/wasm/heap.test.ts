import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEAP_ALIGN, HeapExhaustedError, PAGE_BYTES, WasmHeap } from '../../src/backends/wasm/heap.js';

type Op = { kind: 'alloc'; bytes: number } | { kind: 'free'; pick: number };
const ops = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('alloc' as const), bytes: fc.oneof(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 100_000 })) }),
    fc.record({ kind: fc.constant('free' as const), pick: fc.nat() }),
  ),
  { maxLength: 60 },
);

/** Checks the allocator's invariants: aligned, in bounds, disjoint live blocks and holes, holes coalesced. */
function checkInvariants(heap: WasmHeap): void {
  const live = heap.liveBlocks();
  const holes = heap.freeBlocks();
  const all = [...live, ...holes].sort((a, b) => a[0] - b[0]);
  for (const [ptr, size] of all) {
    expect(ptr % HEAP_ALIGN).toBe(0);
    expect(ptr).toBeGreaterThan(0); // 0 means "none" to the kernels
    expect(ptr + size).toBeLessThanOrEqual(heap.tail);
  }
  for (let i = 1; i < all.length; i++) expect(all[i][0]).toBeGreaterThanOrEqual(all[i - 1][0] + all[i - 1][1]);
  for (let i = 1; i < holes.length; i++) expect(holes[i][0]).toBeGreaterThan(holes[i - 1][0] + holes[i - 1][1]);
  expect(heap.tail).toBeLessThanOrEqual(heap.byteLength);
}

describe('WasmHeap', () => {
  it('keeps its invariants and block contents over random alloc / free sequences', () => {
    fc.assert(
      fc.property(ops, fc.boolean(), (sequence: Op[], shared) => {
        const heap = new WasmHeap({ shared, initialBytes: shared ? PAGE_BYTES : 8 << 20 });
        const live: Array<{ ptr: number; bytes: number; tag: number }> = [];
        let tag = 1;
        for (const op of sequence) {
          if (op.kind === 'alloc') {
            const ptr = heap.alloc(op.bytes);
            expect(heap.blockSize(ptr)).toBeGreaterThanOrEqual(op.bytes);
            // fill with a tag, verified later: no other block may overwrite it
            new Uint8Array(heap.memory.buffer, ptr, op.bytes).fill(tag & 0xff);
            live.push({ ptr, bytes: op.bytes, tag: tag++ & 0xff });
          } else if (live.length > 0) {
            const [block] = live.splice(op.pick % live.length, 1);
            heap.free(block.ptr);
          }
          checkInvariants(heap);
        }
        for (const b of live) expect(new Uint8Array(heap.memory.buffer, b.ptr, b.bytes).every((v) => v === b.tag)).toBe(true);
        // Freeing everything returns the heap to empty: no leaked holes, the tail back at the start.
        const tailBefore = heap.tail;
        for (const b of live) heap.free(b.ptr);
        checkInvariants(heap);
        expect(heap.freeBlocks()).toEqual([]);
        expect(heap.allocatedBytes).toBe(0);
        expect(heap.tail).toBeLessThanOrEqual(tailBefore);
        expect(heap.tail).toBe(HEAP_ALIGN);
      }),
      { numRuns: 100 },
    );
  });

  it('reuses freed space first-fit', () => {
    const heap = new WasmHeap({ shared: false, initialBytes: 1 << 20 });
    const a = heap.alloc(1000);
    const b = heap.alloc(1000);
    heap.alloc(10);
    heap.free(a);
    heap.free(b); // coalesces with a
    expect(heap.freeBlocks()).toEqual([[a, 2048]]);
    expect(heap.alloc(1500)).toBe(a);
  });

  it('grows a shared memory without detaching earlier views', () => {
    const heap = new WasmHeap({ shared: true, initialBytes: PAGE_BYTES });
    const first = heap.allocFloat32(100);
    first.fill(7);
    const big = heap.allocFloat32(1 << 20); // forces growth
    expect(heap.byteLength).toBeGreaterThan(PAGE_BYTES);
    expect(first.length).toBe(100);
    expect(first.every((v) => v === 7)).toBe(true);
    expect(heap.locate(first)).not.toBeNull(); // views from before the growth still count as in-heap
    expect(heap.locate(big)).not.toBeNull();
    expect(heap.locate(new Float32Array(4))).toBeNull();
    expect(heap.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  });

  it('never grows an unshared memory (that would detach views): it reports exhaustion instead', () => {
    const heap = new WasmHeap({ shared: false, initialBytes: 2 * PAGE_BYTES });
    const view = heap.allocFloat32(1000);
    expect(heap.tryAlloc(4 * PAGE_BYTES)).toBeNull();
    expect(() => heap.alloc(4 * PAGE_BYTES)).toThrow(HeapExhaustedError);
    expect(view.length).toBe(1000);
    expect(heap.byteLength).toBe(2 * PAGE_BYTES);
  });

  it('hands out zeroed float arrays and rejects bad frees', () => {
    const heap = new WasmHeap({ shared: false, initialBytes: PAGE_BYTES });
    const a = heap.allocFloat32(16);
    a.fill(3);
    heap.freeArray(a);
    const b = heap.allocFloat32(16);
    expect(b.every((v) => v === 0)).toBe(true);
    expect(() => heap.free(12345)).toThrow(/not a live block/);
    expect(() => heap.freeArray(new Float32Array(2))).toThrow(/does not live in this heap/);
    expect(() => heap.alloc(-1)).toThrow(RangeError);
  });
});
