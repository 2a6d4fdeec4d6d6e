import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { formatResult, runGolden } from '@purevit/golden';

const GOLDEN = fileURLToPath(new URL('../../../golden/', import.meta.url));

describe('golden fixtures', () => {
  it('passes every supported case', async () => {
    const summary = await runGolden(GOLDEN, { onResult: (r) => console.log(formatResult(r)) });
    const failed = summary.results.filter((r) => r.status === 'fail').map(formatResult);
    expect(failed).toEqual([]);
  }, 600_000);
});
