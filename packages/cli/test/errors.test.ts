import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SAMPLE, cli } from './helpers.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-cli-errors-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Exit 1: exactly one line on stderr, nothing on stdout. */
async function expectInputError(argv: string[], message: string | RegExp): Promise<void> {
  const { code, stdout, stderr } = await cli(argv);
  expect(code).toBe(1);
  expect(stdout).toBe('');
  expect(stderr.endsWith('\n')).toBe(true);
  expect(stderr.trimEnd().split('\n')).toHaveLength(1);
  if (typeof message === 'string') expect(stderr).toBe(`purevit: ${message}\n`);
  else expect(stderr).toMatch(message);
}

/** Exit 2: the message line, a blank line, then the usage text. */
async function expectUsageError(argv: string[], message: string, usageStart: string): Promise<void> {
  const { code, stdout, stderr } = await cli(argv);
  expect(code).toBe(2);
  expect(stdout).toBe('');
  const [first, blank, usage] = stderr.split('\n');
  expect(first).toBe(`purevit: ${message}`);
  expect(blank).toBe('');
  expect(usage).toBe(usageStart);
}

const CLASSIFY_USAGE = 'Usage: purevit classify <images|folders|globs...> [--manifest list.txt] [--model <dir|hub-id>] [--top-k 5] [--json | --out results.jsonl [--shard i/n] [--resume]]';
const EMBED_USAGE =
  'Usage: purevit embed <images|folders|globs...> [--manifest list.txt] [--model <dir|hub-id>] [--out features.safetensors | --out-dir <dir> [--format safetensors|npy] [--shard i/n] [--resume]] [--tokens] [--json]';
const MAIN_USAGE = 'Usage: purevit <command> [options]';

describe('bad input: exit 1 with a one-line message naming the problem', () => {
  it('a missing image file, before any model is loaded', async () => {
    await expectInputError(['classify', 'nope.png'], 'nope.png: no such file');
    await expectInputError(['classify', SAMPLE, join(dir, 'missing.png'), '--model', join(dir, 'no-model')], `${join(dir, 'missing.png')}: no such file`);
    await expectInputError(['embed', 'nope.png'], 'nope.png: no such file');
    await expectInputError(['attention', 'nope.png', '--out', join(dir, 'x.png')], 'nope.png: no such file');
    await expectInputError(['classify', dir], `${dir}: no PNG or JPEG images in this folder`); // folders are searched
  });

  it('a corrupt or truncated image, named', async () => {
    const bad = join(dir, 'corrupt.png');
    await writeFile(bad, 'this is not an image');
    await expectInputError(['classify', SAMPLE, bad], new RegExp(`^purevit: ${bad}: cannot identify image file .*\\n$`));
    const truncated = join(dir, 'truncated.png');
    await writeFile(truncated, (await readFile(SAMPLE)).subarray(0, 60));
    await expectInputError(['embed', truncated], new RegExp(`^purevit: ${truncated}: .*(truncat|corrupt).*\\n$`, 'i'));
  });

  it('an unknown model folder, a folder that is not a model, an unknown architecture', async () => {
    const missing = join(dir, 'no-such-model');
    await expectInputError(['classify', SAMPLE, '--model', missing], `${missing} is not a folder`);
    await expectInputError(['info', missing], `${missing} is not a folder`);
    await expectInputError(['classify', SAMPLE, '--model', 'no/such/folder'], 'no/such/folder is not a folder'); // not a hub id either
    const empty = join(dir, 'empty-model');
    await mkdir(empty);
    await expectInputError(['classify', SAMPLE, '--model', empty], `${empty} has no config.json`);
    await expectInputError(['info', empty], `${empty} has no config.json`);
    const swin = join(dir, 'swin');
    await mkdir(swin);
    await writeFile(join(swin, 'config.json'), JSON.stringify({ model_type: 'swin', architectures: ['SwinForImageClassification'] }));
    await expectInputError(['embed', SAMPLE, '--model', swin], /^purevit: unsupported model_type "swin"; supported: "vit" /);
    await expectInputError(['attention', SAMPLE, '--out', join(dir, 'a.png'), '--model', swin], /^purevit: unsupported model_type "swin"/);
    const weightless = join(dir, 'weightless');
    await mkdir(weightless);
    await writeFile(join(weightless, 'config.json'), JSON.stringify({ model_type: 'vit' }));
    await expectInputError(['info', weightless], /^purevit: .*weightless has neither model\.safetensors nor model\.safetensors\.index\.json/);
    const badJson = join(dir, 'bad-config');
    await mkdir(badJson);
    await writeFile(join(badJson, 'config.json'), '{ "model_type": ');
    await expectInputError(['info', badJson], /config\.json/);
  });

  it('attention with a model that returns no attention probabilities (timm models)', async () => {
    await expectInputError(['attention', SAMPLE, '--out', join(dir, 't.png'), '--model', 'models/fashion-vit-tiny-timm'], /^purevit: .*attentions?\b.*timm/i);
  });

  it('an output file that cannot be written', async () => {
    const out = join(dir, 'no-such-folder', 'map.png');
    await expectInputError(['attention', SAMPLE, '--out', out], `cannot write ${out}: its folder does not exist`);
    await expectInputError(['embed', SAMPLE, '--out', join(dir, 'no-such-folder', 'f.safetensors')], /^purevit: cannot write .*f\.safetensors: /);
  });

  it('--debug adds the stack trace', async () => {
    const { code, stderr } = await cli(['classify', 'nope.png', '--debug']);
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toBe('purevit: nope.png: no such file');
    expect(lines[1]).toBe('Error: nope.png: no such file');
    expect(lines[2]).toMatch(/^ {4}at /);
  });
});

describe('usage errors: exit 2 with the message and the usage text', () => {
  it('no command, an unknown command (with a suggestion), an option instead of a command', async () => {
    await expectUsageError([], 'missing command', MAIN_USAGE);
    await expectUsageError(['clasify', SAMPLE], 'unknown command "clasify" (did you mean classify?)', MAIN_USAGE);
    await expectUsageError(['frobnicate'], 'unknown command "frobnicate"', MAIN_USAGE);
    await expectUsageError(['bnech'], 'unknown command "bnech" (did you mean bench?)', MAIN_USAGE);
    await expectUsageError(['--top-k', '3'], 'missing command before --top-k', MAIN_USAGE);
  });

  it('unknown flags, long and short, and values given to boolean flags', async () => {
    await expectUsageError(['classify', SAMPLE, '--frob'], 'unknown option --frob', CLASSIFY_USAGE);
    await expectUsageError(['classify', SAMPLE, '-z'], 'unknown option -z', CLASSIFY_USAGE);
    await expectUsageError(['classify', SAMPLE, '--json=yes'], '--json takes no value', CLASSIFY_USAGE);
    await expectUsageError(['info', 'models/fashion-vit-tiny', '--top-k', '3'], 'unknown option --top-k', 'Usage: purevit info <model> [--json]');
  });

  it('bad --top-k and --batch-size values', async () => {
    await expectUsageError(['classify', SAMPLE, '--top-k', '0'], '--top-k must be a positive integer, got "0"', CLASSIFY_USAGE);
    await expectUsageError(['classify', SAMPLE, '--top-k', 'five'], '--top-k must be a positive integer, got "five"', CLASSIFY_USAGE);
    await expectUsageError(['classify', SAMPLE, '--top-k=2.5'], '--top-k must be a positive integer, got "2.5"', CLASSIFY_USAGE);
    await expectUsageError(['classify', SAMPLE, '--top-k', '-1'], '--top-k needs a value <k>', CLASSIFY_USAGE);
    await expectUsageError(['classify', SAMPLE, '--top-k'], '--top-k needs a value <k>', CLASSIFY_USAGE);
    await expectUsageError(['classify', SAMPLE, '--batch-size', '0'], '--batch-size must be a positive integer, got "0"', CLASSIFY_USAGE);
  });

  it('missing arguments', async () => {
    await expectUsageError(['classify'], 'missing image argument (classify <images...>)', CLASSIFY_USAGE);
    await expectUsageError(['classify', '--json'], 'missing image argument (classify <images...>)', CLASSIFY_USAGE);
    await expectUsageError(['embed'], 'missing image argument (embed <images...>)', EMBED_USAGE);
    const attention = 'Usage: purevit attention <image> --out map.png [--model <dir|hub-id>] [--rollout]';
    await expectUsageError(['attention', '--out', join(dir, 'm.png')], 'missing image argument (attention <image>)', attention);
    await expectUsageError(['attention', SAMPLE], 'missing --out <map.png>', attention);
    await expectUsageError(['attention', SAMPLE, SAMPLE, '--out', join(dir, 'm.png')], `expected one image argument (attention <image>), got 2: ${SAMPLE} ${SAMPLE}`, attention);
    await expectUsageError(['info'], 'missing model argument (info <model>)', 'Usage: purevit info <model> [--json]');
    await expectUsageError(['classify', SAMPLE, '--model'], '--model needs a value <dir|hub-id>', CLASSIFY_USAGE);
    await expectUsageError(['embed', SAMPLE, '--out='], '--out needs a non-empty value', EMBED_USAGE);
  });

  it('usage errors come before file checks', async () => {
    await expectUsageError(['classify', 'nope.png', '--top-k', '0'], '--top-k must be a positive integer, got "0"', CLASSIFY_USAGE);
  });
});
