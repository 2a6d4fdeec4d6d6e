// The peer-comparison models: the ONNX protobuf encoding, and (where `npm run bench:peers` has installed the
// peers) the ONNX graph on onnxruntime-node and the TF.js model against purevit's logits for a small ViT with
// the same weights. Without the peers those cases are skipped: CI never installs them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import { ViTForImageClassification } from '@purevit/models';
import { loadWeights } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { benchPixels, ensureBenchCheckpoint, type BenchModelSpec } from '../../packages/cli/src/commands/bench-checkpoint.js';
import { ProtoMessage, concatParts, modelProto, varint } from '../src/peers/onnx-proto.js';
import { openOrtNode, openTfjs, peersInstalled } from '../src/peers/peer-runtimes.js';
import { vitOnnxGraph, type VitDims } from '../src/peers/vit-onnx.js';

describe('ONNX protobuf encoding', () => {
  it('varints as in the protobuf encoding guide (1, 150, 300; int64 -1 takes ten bytes)', () => {
    expect([...varint(1)]).toEqual([0x01]);
    expect([...varint(150)]).toEqual([0x96, 0x01]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
    expect([...varint(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('fields: tag = field << 3 | wire type; strings and nested messages length-delimited', () => {
    // the guide's example: message { int32 a = 1 } with a = 150 is 08 96 01
    expect([...concatParts(new ProtoMessage().int(1, 150))]).toEqual([0x08, 0x96, 0x01]);
    // string b = 2 "testing": 12 07 74 65 73 74 69 6e 67
    expect([...concatParts(new ProtoMessage().string(2, 'testing'))]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    // message c = 3 { a = 150 }: 1a 03 08 96 01
    expect([...concatParts(new ProtoMessage().message(3, new ProtoMessage().int(1, 150)))]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });
});

const SPEC: BenchModelSpec = { name: 'vit_test', hidden: 32, layers: 2, heads: 4, mlp: 64, patch: 4, classes: 7 };
const IMAGE = 12;
const dir = mkdtempSync(join(tmpdir(), 'purevit-peers-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function fixture(batch: number): Promise<{ dims: VitDims; weight: (name: string) => Float32Array; pixels: Float32Array; expected: Float32Array; folder: string }> {
  const { dir: folder } = await ensureBenchCheckpoint(SPEC, IMAGE, dir);
  const map = await loadWeights(await openRepo(folder));
  const loaded = new Map<string, Float32Array>();
  for (const [name, entry] of map) loaded.set(name, await entry.load());
  const pixels = benchPixels(batch, IMAGE);
  const model = await ViTForImageClassification.fromPretrained(folder);
  const expected = (await model.forward({ pixelValues: new Tensor(pixels, [batch, 3, IMAGE, IMAGE]) })).logits.data;
  const dims: VitDims = { hidden: SPEC.hidden, layers: SPEC.layers, heads: SPEC.heads, mlp: SPEC.mlp, patch: SPEC.patch, imageSize: IMAGE, classes: SPEC.classes, eps: 1e-12 };
  return { dims, weight: (n) => loaded.get(n)!, pixels, expected, folder };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

describe.skipIf(!peersInstalled())('the peer models give purevit\'s logits (peers installed)', () => {
  it('the ONNX graph on onnxruntime-node, batch 3', async () => {
    const f = await fixture(3);
    const path = join(f.folder, 'model.onnx');
    const { writeFile } = await import('node:fs/promises');
    await writeFile(path, concatParts(modelProto(vitOnnxGraph(f.dims, f.weight))));
    const ort = await openOrtNode(path, IMAGE, 1);
    const logits = await ort.run(f.pixels, 3);
    await ort.dispose();
    expect(maxAbsDiff(logits, f.expected)).toBeLessThan(1e-5);
  });

  it('the TF.js model on the cpu backend, batch 2', async () => {
    const f = await fixture(2);
    const tf = await openTfjs('cpu', f.dims, f.weight, 1);
    expect(maxAbsDiff(await tf.run(f.pixels, 2), f.expected)).toBeLessThan(1e-5);
  });
});
