/**
 * The worker's whole program, embedded as a string so that starting a worker needs no bundler, file or
 * TS loader (`new Worker(code, { eval: true })` in Node, a Blob URL in browsers). A platform prelude
 * (see platform.ts) defines `onMessage(handler)` and `post(message)` before it.
 *
 * Protocol. The main thread sends one init message { memory, module, exportNames, control }; the worker
 * instantiates the kernel module over the shared memory and answers { ready: true }. From then on all
 * traffic goes through its control block in the shared memory (Int32 slots, then 16 Float64 arguments):
 * the main thread writes OP and the arguments, bumps SEQ and notifies; the worker calls
 * exports[exportNames[OP]](...args), stores SEQ into DONE and notifies (and also posts { done } when
 * NOTIFY_BY_MESSAGE is set, for hosts without Atomics.waitAsync that must not block). OP = -1 ends the loop.
 */

/** Int32 slot indices in a worker's control block. */
export const SEQ = 0;
export const OP = 1;
export const DONE = 2;
export const FAILED = 3;
export const NOTIFY_BY_MESSAGE = 4;
/** Byte offset of the Float64 arguments in the control block, and their count. */
export const ARGS_OFFSET = 64;
export const MAX_ARGS = 16;
/** Bytes of one control block (a multiple of the 64-byte cache line: blocks of different workers never share a line). */
export const CONTROL_BYTES = ARGS_OFFSET + 8 * MAX_ARGS;

export const WORKER_SOURCE = `
onMessage((init) => {
  const { memory, module, exportNames, control } = init;
  let instance;
  try {
    instance = new WebAssembly.Instance(module, { env: { memory } });
  } catch (error) {
    post({ error: String(error && error.message || error) });
    return;
  }
  const fns = exportNames.map((name) => instance.exports[name]);
  const ctl = new Int32Array(memory.buffer, control, ${ARGS_OFFSET / 4});
  const a = new Float64Array(memory.buffer, control + ${ARGS_OFFSET}, ${MAX_ARGS});
  // SEQ starts at 0 (the block is zeroed before the worker starts). Not re-read here: the main thread may
  // post the first task as soon as it sees 'ready', before this line runs.
  let seen = 0;
  post({ ready: true });
  for (;;) {
    Atomics.wait(ctl, ${SEQ}, seen);
    seen = Atomics.load(ctl, ${SEQ});
    const op = ctl[${OP}];
    if (op < 0) break;
    let message = null;
    try {
      fns[op](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
      ctl[${FAILED}] = 0;
    } catch (error) {
      ctl[${FAILED}] = 1;
      message = String(error && error.message || error);
    }
    Atomics.store(ctl, ${DONE}, seen);
    Atomics.notify(ctl, ${DONE});
    if (message !== null || ctl[${NOTIFY_BY_MESSAGE}]) post({ done: seen, error: message });
  }
});
`;
