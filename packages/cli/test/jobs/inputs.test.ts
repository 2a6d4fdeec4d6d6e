import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expandGlob, globToRegExp } from '../../src/jobs/glob.js';
import { inputList } from '../../src/jobs/input-list.js';
import { parseShard, shardRange } from '../../src/jobs/shard.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-inputs-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
for (const f of ['b/2.png', 'b/10.JPG', 'a/1.jpeg', 'a/deep/3.png', 'a/notes.txt', 'c.png']) {
  await mkdir(join(dir, f, '..'), { recursive: true });
  await writeFile(join(dir, f), 'x');
}

describe('input lists', () => {
  it('folders: every PNG/JPEG below, sorted; files and URLs as given; duplicates dropped; a manifest appended', async () => {
    const manifest = join(dir, 'list.txt');
    await writeFile(manifest, `# a comment\n\n${join(dir, 'c.png')}\nhttps://example.com/x.png\r\n  ${join(dir, 'b/2.png')}  \n`);
    expect(await inputList([join(dir, 'b'), join(dir, 'c.png'), join(dir, 'a')], [manifest])).toEqual([
      join(dir, 'b/10.JPG'), join(dir, 'b/2.png'), join(dir, 'c.png'), join(dir, 'a/1.jpeg'), join(dir, 'a/deep/3.png'), 'https://example.com/x.png',
    ]);
  });

  it('globs: * and ? within a segment, ** across, [classes]; errors name the argument', async () => {
    expect(await inputList([`${dir}/*/*.png`])).toEqual([join(dir, 'b/2.png')]);
    expect(await expandGlob(`${dir}/**/*.png`)).toEqual([join(dir, 'a/deep/3.png'), join(dir, 'b/2.png'), join(dir, 'c.png')]);
    expect(await expandGlob(`${dir}/[ab]/?.*`)).toEqual([join(dir, 'a/1.jpeg'), join(dir, 'b/2.png')]);
    expect(globToRegExp('a/**/b*.png').test('a/x/y/bc.png')).toBe(true);
    expect(globToRegExp('a/**/b*.png').test('a/bc.png')).toBe(true);
    expect(globToRegExp('a/*.png').test('a/x/b.png')).toBe(false);
    expect(globToRegExp('[!a]?.png').test('b1.png')).toBe(true);
    await expect(inputList([`${dir}/*.gif`])).rejects.toThrow(`${dir}/*.gif: no PNG or JPEG images match this pattern`);
    await expect(inputList([join(dir, 'nope.png')])).rejects.toThrow(`${join(dir, 'nope.png')}: no such file`);
    await expect(inputList([], [join(dir, 'none.txt')])).rejects.toThrow(`manifest ${join(dir, 'none.txt')}: no such file`);
  });

  it('--shard i/n: contiguous slices that cover the list exactly once, in order', () => {
    for (const total of [0, 1, 7, 100, 101]) {
      for (const count of [1, 2, 3, 8]) {
        const covered = Array.from({ length: count }, (_, index) => {
          const [start, end] = shardRange(total, { index, count });
          return Array.from({ length: end - start }, (_, k) => start + k);
        }).flat();
        expect(covered).toEqual(Array.from({ length: total }, (_, k) => k));
      }
    }
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['8/8', '1', '-1/2', 'a/b', '1/0']) expect(() => parseShard(bad)).toThrow(/--shard must be i\/n/);
  });
});
