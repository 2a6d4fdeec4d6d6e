// The README's example is run as it is written.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { exampleDir, runExample, tsBlocks } from '../../../test-utils/readme-examples.js';

const pkg = fileURLToPath(new URL('../', import.meta.url));
const dir = exampleDir('purevit-readme-');

it('README example runs and prints what it says', async () => {
  const code = tsBlocks(join(pkg, 'README.md'))[0];
  const logs = await runExample(code, join(dir, 'example.ts'));
  expect([...(logs[0][0] as Float32Array)]).toEqual([1, 2, 3, 4]);
  expect([...(logs[0][1] as Float32Array)]).toEqual([0.5, -0.5]);
  expect(logs[0][2]).toEqual(['classifier.weight']);
  expect(logs[1][0]).toBe('shape mismatch for vit.encoder.layer.0.attention.attention.query.weight: expected [2,3] got [2,2]');
});

it('README limits example runs and prints what it says', async () => {
  const code = tsBlocks(join(pkg, 'README.md'))[1];
  const logs = await runExample(code, join(dir, 'limits.ts'));
  expect(logs[0][0]).toBe('"999999999999999999999999999999999999…" (20000000 chars)');
  expect(logs[1][0]).toBe('config field num_labels must be an integer in 0..1000000 (label count), got 100000000');
  expect(logs[2][0]).toBe('too_large');
});
