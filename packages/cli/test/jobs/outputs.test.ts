import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonlFile } from '../../src/jobs/jsonl-file.js';
import { encodeNpyFloat32 } from '../../src/jobs/npy.js';

const dir = await mkdtemp(join(tmpdir(), 'purevit-outputs-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('job outputs', () => {
  it('JSON Lines: resume cuts a last line left half-written by a kill, and keeps every complete one', async () => {
    const path = join(dir, 'cut.jsonl');
    await writeFile(path, '{"image":"a"}\n{"image":"b"}\n{"image":"c","predic');
    const seen: unknown[] = [];
    const file = await JsonlFile.open(path, true, (r) => seen.push(r));
    expect(seen).toEqual([{ image: 'a' }, { image: 'b' }]);
    await file.append([{ image: 'c' }, { image: 'd' }]);
    await file.close();
    expect(await readFile(path, 'utf8')).toBe('{"image":"a"}\n{"image":"b"}\n{"image":"c"}\n{"image":"d"}\n');
  });

  it('JSON Lines: an existing file needs --resume; a complete line that is not JSON is refused', async () => {
    const path = join(dir, 'exists.jsonl');
    await writeFile(path, '{"image":"a"}\n');
    await expect(JsonlFile.open(path, false, () => undefined)).rejects.toThrow(`${path} already exists: add --resume to continue the job it holds, or remove it`);
    await writeFile(path, '{"image":"a"}\nnot json\n{"image":"b"}\n');
    await expect(JsonlFile.open(path, true, () => undefined)).rejects.toThrow(`${path}: line 2 is not JSON`);
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '');
    await (await JsonlFile.open(empty, false, () => undefined)).close(); // an empty file is a fresh start
  });

  it('.npy: NumPy 1.0 header (magic, length, dict padded to 64 bytes, newline) and little-endian float32 data', () => {
    const [prefix, values] = encodeNpyFloat32(Float32Array.from([1.5, -2, 3, 4, 5, 6]), [2, 3]);
    expect(Array.from(prefix.subarray(0, 8))).toEqual([0x93, 78, 85, 77, 80, 89, 1, 0]);
    const headerLength = prefix[8] | (prefix[9] << 8);
    expect(prefix.length).toBe(10 + headerLength);
    expect(prefix.length % 64).toBe(0);
    const header = Buffer.from(prefix.subarray(10)).toString('latin1');
    expect(header).toMatch(/^\{'descr': '<f4', 'fortran_order': False, 'shape': \(2, 3\), \} *\n$/);
    expect(Array.from(new Float32Array(values.buffer))).toEqual([1.5, -2, 3, 4, 5, 6]);
    expect(Buffer.from(encodeNpyFloat32(new Float32Array(4), [4])[0].subarray(10)).toString('latin1')).toContain("'shape': (4,)");
  });
});
