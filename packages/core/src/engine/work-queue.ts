/**
 * The order of an engine's work, and its errors. Ops enqueue; a backend that can finish a piece of work on
 * the spot (the CPU backends, in Node) runs it inside `enqueue`, one that must wait (a worker pool in a
 * browser page, a GPU) chains it after the pending work. An execution error does not throw at the call:
 * it is kept and rejects the next `drain()` (engine.read / flush), and the queue goes on serving.
 */
export class WorkQueue {
  private tail: Promise<void> | null = null;
  private pending = 0;
  private failure: { error: unknown } | null = null;

  /** Runs `work` now when nothing is pending, else after the pending work. */
  enqueue(work: () => void | Promise<void>): void {
    if (this.tail === null) {
      let result: void | Promise<void>;
      try {
        result = work();
      } catch (error) {
        this.record(error);
        return;
      }
      if (result instanceof Promise) this.chain(result);
      return;
    }
    this.chain(this.tail.then(work));
  }

  /** Resolves when every piece of work enqueued so far is done; rejects with the first error since the last drain. */
  async drain(): Promise<void> {
    while (this.tail !== null) await this.tail;
    const failure = this.failure;
    this.failure = null;
    if (failure) throw failure.error;
  }

  /** True while work is pending. */
  get busy(): boolean {
    return this.tail !== null;
  }

  private chain(promise: Promise<void>): void {
    this.pending++;
    const tail: Promise<void> = promise.catch((error: unknown) => this.record(error)).then(() => {
      this.pending--;
      if (this.tail === tail && this.pending === 0) this.tail = null;
    });
    this.tail = tail;
  }

  private record(error: unknown): void {
    this.failure ??= { error };
  }
}
