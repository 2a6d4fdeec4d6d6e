// The timm wrapper README's example is run as it is written, from the repository root.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { REPO_ROOT, exampleDir, runExample, tsBlocks } from '../../../../test-utils/readme-examples.js';

const readmePath = fileURLToPath(new URL('../../src/models/timm/README.md', import.meta.url));
const dir = exampleDir('purevit-timm-readme-');

it('timm README example runs and prints what it says', async () => {
  const code = tsBlocks(readmePath)[0];
  const logs = await runExample(code, join(dir, 'example.ts'), REPO_ROOT);
  expect(logs[0][0]).toBe('Ankle boot'); // samples.json: 0000_9.png, PyTorch predicts 9
  expect(logs[1]).toEqual([[1, 96], [1, 96, 7, 7]]);
});
