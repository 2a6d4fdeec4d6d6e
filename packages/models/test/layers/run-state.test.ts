import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createEngine, Tensor, type Arena, type DeviceArray } from '@purevit/core';
import { ForwardOutputs, RunState, TimmWrapperForImageClassification, ViTModel, fitBatch, runTransformer } from '@purevit/models';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const FASHION = `${ROOT}models/fashion-vit-tiny`;

function wave(shape: number[], phase = 0): Tensor {
  const t = Tensor.zeros(shape);
  for (let i = 0; i < t.size; i++) t.data[i] = Math.sin(i * 0.61 + phase) * 1.3;
  return t;
}

/** An arena that refuses any block over `limit` floats (as a full unshared heap would). */
function limited(arena: Arena, limit: number): Arena {
  return {
    engine: arena.engine,
    get bytes() { return arena.bytes; },
    alloc: (n) => arena.alloc(n),
    tryAlloc: async (n) => (n > limit ? null : arena.tryAlloc(n)),
    upload: (v) => arena.upload(v),
    free: (a: DeviceArray) => arena.free(a),
    prepareLinear: (...a) => arena.prepareLinear(...a),
    prepareConv2d: (...a) => arena.prepareConv2d(...a),
    dispose: () => arena.dispose(),
  };
}

describe('RunState', () => {
  it('grows a buffer only when a forward needs more, and reserves all or nothing', async () => {
    const engine = await createEngine({ backend: 'wasm', threads: 1 });
    try {
      const arena = engine.createArena();
      const state = new RunState(limited(arena, 1000));
      expect(await state.reserve({ a: 100, b: 200 })).toBe(true);
      const a = state.view('a', 100);
      expect(await state.reserve({ a: 50, b: 200 })).toBe(true);
      expect(a.released).toBe(false); // reused, not reallocated
      expect(await state.reserve({ a: 500, b: 2000 })).toBe(false);
      expect(a.released).toBe(true);
      expect(() => state.view('a', 1)).toThrow(/holds 0 floats/); // nothing half-reserved is kept
      expect(await fitBatch(8, (images) => state.reserve({ a: images * 300 }), 'test')).toBe(2);
      await expect(fitBatch(8, async () => false, 'test forward')).rejects.toThrow(/test forward: the engine's memory cannot hold the activations of one image/);
      state.clear();
      expect(arena.bytes).toBe(0);
    } finally {
      await engine.dispose();
    }
  });

  it('a batch that does not fit runs in chunks and gives the same bits as one pass', async () => {
    const engine = await createEngine({ backend: 'wasm', threads: 2 });
    try {
      const model = await ViTModel.fromPretrained(FASHION, { engine });
      const x = wave([5, 3, 28, 28]);
      const whole = await model.forward({ pixelValues: x, outputHiddenStates: true, outputAttentions: true });
      const config = model.config;
      const tokens = whole.lastHiddenState.shape[1];
      // Room for the activations of two images per buffer: 5 images run as 2 + 2 + 1.
      const perImage = tokens * Math.max(3 * config.hiddenSize, config.intermediateSize);
      const state = new RunState(limited(model.arena, 2 * perImage));
      let chunks = 0;
      const image = 3 * 28 * 28;
      const grid = model.embeddings.grid(28, 28, false);
      const outputs = new ForwardOutputs(model.arena);
      const seq = [5, tokens, config.hiddenSize];
      const final = outputs.alloc(seq), kept = outputs.alloc(seq), first = outputs.alloc(seq);
      const attentions = model.encoder.map(() => outputs.alloc([5, config.numAttentionHeads, tokens, tokens]));
      await runTransformer({
        what: 'test', engine, state, batch: 5, tokens, dim: config.hiddenSize, mlpDim: config.intermediateSize, heads: config.numAttentionHeads,
        blocks: model.encoder, layers: model.encoder.length, implementation: 'eager',
        embedLengths: (images) => model.embeddings.lengths(images, [images, 3, 28, 28], grid, false),
        embed: (b0, n, out) => {
          chunks++;
          const pixels = state.view('pixels', n * image);
          engine.write(pixels, x.data.subarray(b0 * image, (b0 + n) * image));
          const buffers = {
            pixels, mask: null, patchRows: state.view('patchRows', model.embeddings.patchEmbeddings.rowsLength(n, grid)),
            patches: state.view('patches', n * (tokens - 1) * config.hiddenSize),
          };
          model.embeddings.forward(buffers, [n, 3, 28, 28], false, out);
        },
        finalNorm: (h, rows, out) => model.layernorm.forward(h, rows, out),
        hidden: new Map([[-1, first.data], [2, kept.data]]), attentions: attentions.map((t) => t.data), final: final.data,
      });
      expect(chunks).toBe(3);
      expect(Array.from((await outputs.read(final)).data)).toEqual(Array.from(whole.lastHiddenState.data));
      expect(Array.from((await outputs.read(first)).data)).toEqual(Array.from(whole.hiddenStates![0].data));
      expect(Array.from((await outputs.read(kept)).data)).toEqual(Array.from(whole.hiddenStates![3].data));
      expect(Array.from((await outputs.read(attentions[5])).data)).toEqual(Array.from(whole.attentions![5].data));
      outputs.free();
      await model.dispose();
    } finally {
      await engine.dispose();
    }
  });
});

describe('model.dispose', () => {
  it('frees the weights and run state in the engine; the engine keeps serving other models', async () => {
    const engine = await createEngine({ backend: 'wasm', threads: 2 });
    try {
      const a = await TimmWrapperForImageClassification.fromPretrained(`${ROOT}models/fashion-vit-tiny-timm`, { engine });
      const b = await TimmWrapperForImageClassification.fromPretrained(`${ROOT}models/fashion-vit-tiny-timm`, { engine });
      expect(a.engine).toBe(engine);
      const x = wave([2, 3, 28, 28]);
      const logits = (await a.forward({ pixelValues: x })).logits;
      const arena = (a.timmModel as unknown as { arena: Arena }).arena;
      expect(arena.bytes).toBeGreaterThan(4 * 459_466); // the packed weights (fp32) and the run state
      await a.dispose();
      await engine.flush();
      expect(arena.bytes).toBe(0);
      await expect(a.forward({ pixelValues: x })).rejects.toThrow(/disposed/);
      expect(Array.from((await b.forward({ pixelValues: x })).logits.data)).toEqual(Array.from(logits.data));
    } finally {
      await engine.dispose();
    }
  });
});
