import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTensor, discoverCases, runCli, toleranceBound } from '../src/index.js';

const GOLDEN = fileURLToPath(new URL('../../../golden/', import.meta.url));

describe('tolerance policy (golden/README.md section 4)', () => {
  it('bounds the error by 8·fp32_error + 1e-6·max(1, max_abs)', () => {
    expect(toleranceBound(1e-6, 0.5)).toBeCloseTo(9e-6, 15);
    expect(toleranceBound(1e-6, 4)).toBeCloseTo(1.2e-5, 15);
    expect(toleranceBound(0, 0)).toBe(1e-6);
  });

  it('reports the worst ratio, and fails shape mismatches and NaN', () => {
    const expected = { data: [1, 2, 3], shape: [3] };
    const c = compareTensor('t', { data: [1, 2.000004, 3], shape: [3] }, expected, 1e-6, 3);
    expect(c.ratio).toBeCloseTo(4e-6 / 1.1e-5, 3);
    expect(compareTensor('t', { data: [1, 2, 3], shape: [1, 3] }, expected).problem).toMatch(/shape \[1,3\] != expected \[3\]/);
    expect(compareTensor('t', { data: [1, NaN, 3], shape: [3] }, expected).ratio).toBe(Infinity);
    expect(compareTensor('t', { data: [-Infinity], shape: [1] }, { data: [-Infinity], shape: [1] }).ratio).toBe(0);
  });
});

describe('golden CLI on a directory of its own', () => {
  let dir: string;
  const lines: string[] = [];
  const io = { log: (l: string) => lines.push(l), error: (l: string) => lines.push(l) };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'purevit-golden-'));
    // Nested, with a broken copy beside a good one: any directory in the fixture format works.
    await cp(path.join(GOLDEN, 'vit_act_relu'), path.join(dir, 'suite', 'good'), { recursive: true });
    await cp(path.join(GOLDEN, 'vit_act_relu'), path.join(dir, 'suite', 'broken'), { recursive: true });
    const caseFile = path.join(dir, 'suite', 'broken', 'case.json');
    const json = JSON.parse(await readFile(caseFile, 'utf8')) as { outputs: Record<string, unknown> };
    json.outputs.last_hidden_state = 'expected.pooler_output'; // wrong tensor: must fail
    await writeFile(caseFile, JSON.stringify(json));
    await writeFile(path.join(dir, 'suite', 'other.json'), '{"kind": "image_processor"}'); // not a case file name
    await cp(path.join(GOLDEN, 'vitproc_no_resize_224'), path.join(dir, 'proc'), { recursive: true });
    await mkdir(path.join(dir, 'speech'));
    await writeFile(path.join(dir, 'speech', 'case.json'), '{"kind": "audio"}'); // a kind this runner does not know
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds nested cases by their case files', async () => {
    expect((await discoverCases(dir)).map((c) => c.name)).toEqual(['proc', 'speech', 'suite/broken', 'suite/good']);
  });

  it('prints one line per case, the totals last, and exits 1 on a failure', async () => {
    lines.length = 0;
    expect(await runCli([dir], io)).toBe(1);
    const out = lines.join('\n');
    expect(out).toMatch(/^suite\/good\s+model\s+PASS\s+worst ratio 0\.\d{4}/m);
    expect(out).toMatch(/^suite\/broken\s+model\s+FAIL/m);
    expect(out).toMatch(/\[(js|wasm|wasm-fma)\/(eager|fused)\] expected\.pooler_output: shape \[\d+,\d+,\d+\] != expected \[\d+,\d+\]/);
    expect(out).toMatch(/^proc\s+image_processor\s+PASS/m);
    expect(out).toMatch(/^speech\s+audio\s+SKIP/m);
    expect(lines.at(-1)).toBe('2 passed, 1 failed');
  });

  it('exits 0 when everything passes', async () => {
    lines.length = 0;
    expect(await runCli([dir, '--filter', 'good'], io)).toBe(0);
    expect(lines.at(-1)).toBe('1 passed, 0 failed');
  });

  it('rejects a missing directory and an empty one', async () => {
    lines.length = 0;
    expect(await runCli([path.join(dir, 'nope')], io)).toBe(2);
    expect(await runCli([path.join(dir, 'suite'), '--filter', 'zzz'], io)).toBe(1);
    expect(lines.join('\n')).toMatch(/no golden cases/);
  });
});
