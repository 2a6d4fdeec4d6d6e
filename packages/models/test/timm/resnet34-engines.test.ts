import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, createReferenceEngine, Tensor, type Engine } from '@purevit/core';
import type { WeightMap } from '@purevit/weights';
import { TimmWrapperConfig, TimmWrapperForImageClassification } from '@purevit/models';

/**
 * A deep ResNet end to end on every fast engine against the reference engine (every op's float64 reference):
 * timm's resnet34 (basic blocks, layers 3-4-6-3: 36 convs, BatchNorm folded, shortcuts in the GEMM
 * epilogue) at reduced width, deterministic random weights, with labels, so the error that 34 layers
 * accumulate in logits and loss is measured on plain SIMD, FMA and the TypeScript kernels.
 */

const CHANNELS = [16, 32, 64, 128];
const CLASSES = 10;

/** xorshift32 normal-ish values (sum of uniforms), deterministic. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  const uniform = (): number => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 4294967296;
  };
  return () => (uniform() + uniform() + uniform() - 1.5) * 2;
}

function resnet34Weights(): WeightMap {
  const next = random(7);
  const map: WeightMap = new Map();
  const put = (key: string, shape: number[], value: (i: number) => number): void => {
    const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => value(i));
    map.set(key, { dtype: 'F32', shape, load: async () => data.slice() });
  };
  const conv = (name: string, o: number, i: number, k: number): void => put(`${name}.weight`, [o, i, k, k], () => next() * Math.sqrt(2 / (i * k * k)));
  const bn = (name: string, c: number, gamma = 1): void => {
    put(`${name}.weight`, [c], () => gamma * (1 + 0.1 * next()));
    put(`${name}.bias`, [c], () => 0.1 * next());
    put(`${name}.running_mean`, [c], () => 0.1 * next());
    put(`${name}.running_var`, [c], () => 1 + 0.1 * Math.abs(next()));
  };
  conv('conv1', 64, 3, 7);
  bn('bn1', 64);
  let inplanes = 64;
  [3, 4, 6, 3].forEach((blocks, layer) => {
    const planes = CHANNELS[layer];
    for (let b = 0; b < blocks; b++) {
      const p = `layer${layer + 1}.${b}`;
      conv(`${p}.conv1`, planes, inplanes, 3);
      bn(`${p}.bn1`, planes);
      conv(`${p}.conv2`, planes, planes, 3);
      bn(`${p}.bn2`, planes, 0.2);
      if (b === 0 && (layer > 0 || inplanes !== planes)) {
        conv(`${p}.downsample.0`, planes, inplanes, 1);
        bn(`${p}.downsample.1`, planes);
      }
      inplanes = planes;
    }
  });
  put('fc.weight', [CLASSES, inplanes], () => next() / Math.sqrt(inplanes));
  put('fc.bias', [CLASSES], () => 0.01 * next());
  return map;
}

const config = TimmWrapperConfig.fromDict({
  architecture: 'resnet34', num_classes: CLASSES, model_args: { channels: CHANNELS },
  pretrained_cfg: { input_size: [3, 64, 64], mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], num_classes: CLASSES, classifier: 'fc' },
});
const pixels = new Tensor(Float32Array.from({ length: 2 * 3 * 64 * 64 }, (_, i) => Math.sin(i * 0.37) * 1.7), [2, 3, 64, 64]);
const labels = [3, 7];

async function run(engine: Engine): Promise<{ logits: Float32Array; loss: number }> {
  const model = await TimmWrapperForImageClassification.fromWeights(config, resnet34Weights(), { engine });
  try {
    const out = await model.forward({ pixelValues: pixels, labels });
    return { logits: out.logits.data.slice(), loss: out.loss!.data[0] };
  } finally {
    await model.dispose();
  }
}

describe('resnet34 (timm wrapper, labels) on every engine vs the reference engine', () => {
  let reference: { logits: Float32Array; loss: number };
  beforeAll(async () => {
    const engine = createReferenceEngine();
    reference = await run(engine);
    await engine.dispose();
  });

  const engines: Array<[string, () => Promise<Engine>]> = [
    ['wasm plain SIMD, 2 threads', () => createEngine({ backend: 'wasm', relaxedSimd: false, threads: 2 })],
    ['wasm relaxed-SIMD FMA', () => createEngine({ backend: 'wasm', relaxedSimd: true })],
    ['js', () => createEngine({ backend: 'js' })],
  ];
  const opened: Engine[] = [];
  afterAll(async () => {
    for (const e of opened) await e.dispose();
  });

  it.each(engines)('%s: logits and loss within the float32 bound of the reference', async (name, make) => {
    const engine = await make();
    opened.push(engine);
    if (name.includes('FMA')) expect(engine.describe().simd).toBe('relaxed');
    const got = await run(engine);
    const scale = Math.max(...reference.logits.map(Math.abs));
    expect(scale).toBeGreaterThan(0.1); // the logits carry signal, not a collapsed trunk
    let worst = 0;
    for (let i = 0; i < got.logits.length; i++) worst = Math.max(worst, Math.abs(got.logits[i] - reference.logits[i]));
    // 36 float32 convs: within 2e-5 of the logits' scale (measured: 4.0e-7 plain SIMD, 3.6e-7 FMA, 1.8e-8 js)
    expect(worst).toBeLessThan(2e-5 * scale);
    expect(Math.abs(got.loss - reference.loss)).toBeLessThan(2e-5 * Math.max(1, reference.loss));
  });
});
