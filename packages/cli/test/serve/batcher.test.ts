import { describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import { Batcher, type ForwardFn } from '../../src/serve/batcher.js';
import { HttpError } from '../../src/serve/http-error.js';

/** n images of 1 pixel each whose value is the image's id, so results can be traced back. */
function images(...ids: number[]): Tensor {
  return new Tensor(Float32Array.from(ids), [ids.length, 1, 1, 1]);
}

/** A forward pass that echoes each image's id as its logits, recording the batch sizes it saw. */
function echo(delayMs = 0): { forward: ForwardFn; batches: number[][] } {
  const batches: number[][] = [];
  const forward: ForwardFn = async (pixels) => {
    batches.push(Array.from(pixels.data));
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    return { logits: new Tensor(Float32Array.from(pixels.data), [pixels.shape[0], 1]) };
  };
  return { forward, batches };
}

const ids = (t: Tensor | undefined): number[] => Array.from(t!.data);

describe('dynamic batching', () => {
  it('merges requests that arrive while a forward pass runs into one pass, up to maxBatch images, in order', async () => {
    const { forward, batches } = echo(30);
    const batcher = new Batcher(forward, { maxBatch: 4, maxWaitMs: 0, maxQueue: 64 });
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((id) => batcher.submit(images(id), { logits: true }, { timeoutMs: 5000 })));
    expect(results.map((r) => ids(r.logits))).toEqual([[1], [2], [3], [4], [5], [6], [7]]);
    expect(batches).toEqual([[1], [2, 3, 4, 5], [6, 7]]); // the first runs at once (no wait); the rest queue behind it
  });

  it('waits up to maxWaitMs for a batch to fill; maxBatch 1 runs each request alone', async () => {
    const waited = echo();
    const batcher = new Batcher(waited.forward, { maxBatch: 8, maxWaitMs: 50, maxQueue: 64 });
    const first = batcher.submit(images(1), {}, { timeoutMs: 5000 });
    await new Promise((r) => setTimeout(r, 10));
    const second = batcher.submit(images(2, 3), {}, { timeoutMs: 5000 });
    await Promise.all([first, second]);
    expect(waited.batches).toEqual([[1, 2, 3]]);

    const single = echo(5);
    const unbatched = new Batcher(single.forward, { maxBatch: 1, maxWaitMs: 0, maxQueue: 64 });
    await Promise.all([1, 2, 3].map((id) => unbatched.submit(images(id), {}, { timeoutMs: 5000 })));
    expect(single.batches).toEqual([[1], [2], [3]]);
  });

  it('a request larger than maxBatch runs alone, whole', async () => {
    const { forward, batches } = echo();
    const batcher = new Batcher(forward, { maxBatch: 2, maxWaitMs: 0, maxQueue: 64 });
    const out = await batcher.submit(images(1, 2, 3, 4, 5), { logits: true }, { timeoutMs: 5000 });
    expect(ids(out.logits)).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2, 3, 4, 5]]);
  });

  it('a full queue answers 503 with Retry-After at once; more images than the queue holds is 413', async () => {
    const { forward } = echo(50);
    const batcher = new Batcher(forward, { maxBatch: 1, maxWaitMs: 0, maxQueue: 2 });
    const running = batcher.submit(images(1), {}, { timeoutMs: 5000 }); // taken at once: the queue is empty again
    const queued = [batcher.submit(images(2), {}, { timeoutMs: 5000 }), batcher.submit(images(3), {}, { timeoutMs: 5000 })];
    expect(batcher.queuedImages()).toBe(2);
    const refused = await batcher.submit(images(4), {}, { timeoutMs: 5000 }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(HttpError);
    expect((refused as HttpError).status).toBe(503);
    expect(Number((refused as HttpError).headers['Retry-After'])).toBeGreaterThanOrEqual(1);
    expect(((await batcher.submit(images(1, 2, 3), {}, { timeoutMs: 5000 }).catch((e: unknown) => e)) as HttpError).status).toBe(413);
    await Promise.all([running, ...queued]);
    await batcher.idle();
    expect(batcher.queuedImages()).toBe(0);
  });

  it('drops requests whose time ran out (504) or whose client left, without running them', async () => {
    const { forward, batches } = echo(60);
    const batcher = new Batcher(forward, { maxBatch: 1, maxWaitMs: 0, maxQueue: 8 });
    const first = batcher.submit(images(1), {}, { timeoutMs: 5000 });
    const late = batcher.submit(images(2), {}, { timeoutMs: 20 }).catch((e: unknown) => e);
    const abort = new AbortController();
    const gone = batcher.submit(images(3), {}, { timeoutMs: 5000, signal: abort.signal }).catch((e: unknown) => e);
    const kept = batcher.submit(images(4), {}, { timeoutMs: 5000 });
    abort.abort();
    await Promise.all([first, kept]);
    expect(((await late) as HttpError).status).toBe(504);
    expect(((await gone) as HttpError).status).toBe(499);
    expect(batches).toEqual([[1], [4]]);
  });

  it('a failing forward pass fails its batch only; the next batch runs', async () => {
    let calls = 0;
    const batcher = new Batcher(
      async (pixels) => {
        if (calls++ === 0) throw new Error('kernel exploded');
        return { logits: pixels.reshape([pixels.shape[0], 1]) };
      },
      { maxBatch: 1, maxWaitMs: 0, maxQueue: 8 },
    );
    const [a, b] = await Promise.allSettled([batcher.submit(images(1), {}, { timeoutMs: 5000 }), batcher.submit(images(2), {}, { timeoutMs: 5000 })]);
    expect(a.status === 'rejected' && (a.reason as Error).message).toBe('kernel exploded');
    expect(b.status === 'fulfilled' && ids(b.value.logits)).toEqual([2]);
  });
});
