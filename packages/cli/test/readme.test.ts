// The root README: its first command (a fresh clone's first experience) and its API examples, run as
// written from the repository root.
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '@purevit/image';
import { exampleDir, runExample as runModule, tsBlocks } from '../../../test-utils/readme-examples.js';
import { ROOT, cli } from './helpers.js';

const readme = readFileSync(`${ROOT}README.md`, 'utf8');
const dir = exampleDir('purevit-readme-');

/** Runs a README example in a scratch folder that sees the repository's models/ (so files it writes land there). */
async function runExample(code: string, name: string): Promise<unknown[][]> {
  const work = join(dir, name);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work);
  symlinkSync(join(ROOT, 'models'), join(work, 'models'));
  return runModule(code, join(dir, `${name}.ts`), work);
}

describe('README.md', () => {
  it('starts with the one-line command that classifies a bundled sample, and that prints Ankle boot first', async () => {
    const first = /```sh\n([^\n]*)\n```/.exec(readme)!;
    expect(first.index).toBe(readme.indexOf('```')); // the first code block of the file, one line
    const match = /^npm ci && npx purevit (classify \S+)$/.exec(first[1]);
    expect(match).not.toBeNull();
    const argv = match![1].split(' ');
    const { code, stdout } = await cli(argv);
    expect(code).toBe(0);
    expect(stdout.split('\n')[1]).toMatch(/^ +[\d.]+% {2}Ankle boot$/); // samples.json: PyTorch predicts 9, Ankle boot
  });

  const examples = tsBlocks(`${ROOT}README.md`).filter((code) => code.includes('import '));

  it('has the three API examples: classify, embed, attention map', () => {
    expect(examples.map((code) => /pipeline\('([a-z-]+)'/.exec(code)![1])).toEqual(['image-classification', 'image-feature-extraction', 'attention-map']);
  });

  it('classify example prints what it says', async () => {
    const logs = await runExample(examples[0], 'classify');
    expect(logs).toEqual([['Ankle boot', '0.78']]);
    expect(examples[0]).toContain('// Ankle boot 0.78');
  });

  it('embed example prints what it says', async () => {
    const logs = await runExample(examples[1], 'embed');
    expect(logs).toEqual([[[96], '0.47', '0.05']]);
    expect(examples[1]).toContain('// [ 96 ] 0.47 0.05');
  });

  it('attention example prints the grid and writes a 224×224 PNG', async () => {
    const logs = await runExample(examples[2], 'attention');
    expect(logs).toEqual([[[7, 7]]]);
    const png = decodeImage(readFileSync(join(dir, 'attention', 'boot-attention.png')));
    expect([png.width, png.height]).toEqual([224, 224]);
  });
});
