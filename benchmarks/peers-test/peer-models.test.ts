// The peer-comparison models against purevit's logits for a small ViT with the same weights: the ONNX graph
// on onnxruntime-node and the TF.js model. The peers are installed by `npm run bench:peers` (never by CI), which
// runs this file first (vitest.peers.config.ts); it is not part of `npm test`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Tensor } from '@purevit/core';
import { ViTForImageClassification } from '@purevit/models';
import { loadWeights } from '@purevit/weights';
import { openRepo } from '@purevit/weights/platform';
import { benchPixels, ensureBenchCheckpoint, type BenchModelSpec } from '../../packages/cli/src/commands/bench-checkpoint.js';
import { concatParts, modelProto } from '../src/peers/onnx-proto.js';
import { openOrtNode, openTfjs, peersInstalled } from '../src/peers/peer-runtimes.js';
import { vitOnnxGraph, type VitDims } from '../src/peers/vit-onnx.js';

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

describe('the peer models give purevit\'s logits', () => {
  it('the peers are installed (npm run bench:peers installs them)', () => {
    expect(peersInstalled()).toBe(true);
  });

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
