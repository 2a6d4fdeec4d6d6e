// The README's example is run as it is written, from the repository root.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { REPO_ROOT, exampleDir, runExample, tsBlocks } from '../../../test-utils/readme-examples.js';

const pkg = fileURLToPath(new URL('../', import.meta.url));
const dir = exampleDir('purevit-models-readme-');

it('README example runs and prints what it says', async () => {
  const code = tsBlocks(join(pkg, 'README.md'))[0];
  const logs = await runExample(code, join(dir, 'example.ts'), REPO_ROOT);
  expect(logs[0][0]).toBe('Ankle boot'); // samples.json: 0000_9.png, PyTorch predicts 9
  expect(logs[0][1]).toEqual([1, 10]);
});

it('README engine / forward-contract example runs and prints what it says', async () => {
  const code = tsBlocks(join(pkg, 'README.md'))[1];
  const logs = await runExample(code, join(dir, 'example-intermediates.ts'), REPO_ROOT);
  expect(logs[0][0]).toEqual([[1, 49, 96], [1, 49, 96]]);
});

it("README's relatives example runs and prints what it says", async () => {
  const code = tsBlocks(join(pkg, 'README.md'))[2];
  const logs = await runExample(code, join(dir, 'relatives.ts'), REPO_ROOT);
  expect(logs[0]).toEqual(['dinov2', [1, 17, 64], [1, 64]]);
});
