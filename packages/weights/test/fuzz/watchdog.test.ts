// The fuzz harness itself: each way an input can fail is caught and named by its index.
import { describe, expect, it } from 'vitest';
import { runFuzz, FUZZ_TEST_TIMEOUT_MS } from '../../../../test-utils/fuzz/run-fuzz.js';

describe('the fuzz watchdog', () => {
  it('names untyped errors, flooding messages, wrong results, memory over the bound, hangs and aborts', { timeout: FUZZ_TEST_TIMEOUT_MS }, async () => {
    const report = await runFuzz(new URL('./watchdog.family.ts', import.meta.url), { seed: 1, count: 9, inputTimeoutMs: 1500, slackMiB: 96, perDeclaredByte: 4 });
    expect(report.failures.map((f) => [f.index, f.label])).toEqual([
      [2, 'untyped TypeError'],
      [4, 'HubError:http_error (bad message)'],
      [5, 'wrong result'],
      [6, 'memory'],
      [7, 'hang'],
      [8, 'abort'],
    ]);
    expect(report.counts).toMatchObject({ ok: 2, 'ConfigError:out_of_range': 2 });
  });
});
