// The README's examples run as they are written.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { exampleDir, runExample, tsBlocks } from '../../../test-utils/readme-examples.js';

const pkg = fileURLToPath(new URL('../', import.meta.url));
const dir = exampleDir('purevit-core-readme-');

async function runBlock(index: number): Promise<unknown[][]> {
  return runExample(tsBlocks(join(pkg, 'README.md'))[index], join(dir, `example${index}.ts`));
}

it('the engine example runs: the same numbers as the reference, on the FMA engine it describes', async () => {
  const engineLogs = await runBlock(0);
  const referenceLogs = await runBlock(1);
  expect(engineLogs[0][0]).toMatchObject({ backend: 'wasm', simd: 'relaxed', sharedMemory: true });
  const fromEngine = (engineLogs[1][0] as string[]).map(Number);
  const fromKernels = referenceLogs[0][0] as number[];
  expect(fromEngine).toHaveLength(6);
  fromEngine.forEach((v, i) => expect(v).toBeCloseTo(fromKernels[i], 4));
});
