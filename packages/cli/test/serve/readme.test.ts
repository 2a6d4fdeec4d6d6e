// The cli README's client example, run as written against an in-process server (its URL put in
// place of http://127.0.0.1:8080, the client package resolved from this repository).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exampleDir, runExample, tsBlocks } from '../../../../test-utils/readme-examples.js';
import { ROOT } from '../helpers.js';
import { testServer } from './helpers.js';

const server = await testServer();
const dir = exampleDir('purevit-cli-readme-');

describe('packages/cli/README.md', () => {
  it('the @huggingface/inference example prints what it says', async () => {
    const [example] = tsBlocks(`${ROOT}packages/cli/README.md`).filter((code) => code.includes('@huggingface/inference'));
    expect(example).toContain('// Ankle boot 0.78');
    const client = createRequire(import.meta.url).resolve('@huggingface/inference');
    const code = example.replace("'http://127.0.0.1:8080'", JSON.stringify(server.url)).replace("'@huggingface/inference'", JSON.stringify(client));
    expect(await runExample(code, join(dir, 'client.ts'), ROOT)).toEqual([['Ankle boot', '0.78']]);
  });
});
