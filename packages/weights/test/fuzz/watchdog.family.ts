// A fuzz family that misbehaves on purpose, one way per input index, to show that the fuzz harness
// catches each way (used by watchdog.test.ts).
import { ConfigError } from '@purevit/weights';
import { FuzzCheckError, type FuzzFamily } from '../../../../test-utils/fuzz/family.js';

let keep: Uint8Array[] = [];

const family: FuzzFamily<number> = {
  name: 'watchdog',
  async setup() {
    keep = [];
  },
  input: (_rng, index) => index,
  declaredBytes: () => 1000,
  run(index) {
    switch (index) {
      case 0: return; // a correct result
      case 1: throw new ConfigError('out_of_range', 'a short typed error');
      case 2: throw new TypeError('an untyped error');
      case 3: throw new ConfigError('out_of_range', 'x'.repeat(400)); // clipped to 299: still fine
      case 4: throw Object.assign(new Error('y'.repeat(400)), { name: 'HubError', code: 'http_error' }); // a typed name with a flood
      case 5: throw new FuzzCheckError('a wrong result');
      case 6: keep.push(new Uint8Array(400 * 1024 * 1024).fill(1)); return; // far above the declared size
      case 7: for (;;); // a hang
      case 8: process.abort(); // an abort
    }
  },
};

export default family;
