import { describe, expect, it } from 'vitest';
import { addPrefix, concatRows, renameKeys, replaceInKeys, sliceRows, stripPrefix, WeightScope, type WeightEntry, type WeightMap } from '@purevit/weights';

function entry(shape: number[], fill = (i: number) => i): WeightEntry & { loads: number } {
  const e = {
    dtype: 'F32' as const,
    shape,
    loads: 0,
    load: async () => {
      e.loads++;
      return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => fill(i));
    },
  };
  return e;
}

describe('WeightScope', () => {
  const make = (): WeightMap =>
    new Map<string, WeightEntry>([
      ['vit.encoder.layer.3.attention.attention.query.weight', entry([768, 384])],
      ['vit.encoder.layer.3.attention.attention.query.bias', entry([768])],
      ['vit.layernorm.weight', entry([768])],
      ['classifier.weight', entry([10, 768])],
    ]);

  it('builds keys from paths and reports missing tensors and shape mismatches by full key', async () => {
    const root = new WeightScope(make());
    const q = root.pp('vit').pp('encoder').pp('layer').pp(3).pp('attention').pp('attention').pp('query');
    expect(q.prefix).toBe('vit.encoder.layer.3.attention.attention.query');
    expect(q.has('weight')).toBe(true);
    expect(q.has('nothing')).toBe(false);
    await expect(q.get('weight', [768, 768])).rejects.toThrow(
      'shape mismatch for vit.encoder.layer.3.attention.attention.query.weight: expected [768,768] got [768,384]',
    );
    await expect(root.pp('vit').pp('encoder').pp('layer').pp(3).pp('attention').pp('attention').pp('key').get('weight', [768, 768])).rejects.toThrow(
      /^missing tensor vit\.encoder\.layer\.3\.attention\.attention\.key\.weight$/,
    );
    expect((await q.get('bias', [768]))[5]).toBe(5);
    expect(await root.pp('vit').getOptional('pooler.weight', [768])).toBeNull();
    expect(root.missingKeys()).toEqual(['vit.encoder.layer.3.attention.attention.key.weight']);
    // Keys read through any scope of this root are consumed; the rest are unexpected.
    expect(root.unusedKeys()).toEqual(['vit.encoder.layer.3.attention.attention.query.weight', 'vit.layernorm.weight', 'classifier.weight']);
    root.pp('classifier').markUsed('weight');
    expect(q.unusedKeys()).toEqual(['vit.encoder.layer.3.attention.attention.query.weight', 'vit.layernorm.weight']);
    expect(root.pp('vit').pp('encoder').keys()).toEqual(['layer.3.attention.attention.query.weight', 'layer.3.attention.attention.query.bias']);
  });

  it('scalar shapes and an entry that loads the wrong number of values', async () => {
    const bad: WeightEntry = { dtype: 'F32', shape: [4], load: async () => new Float32Array(3) };
    const root = new WeightScope(new Map([['s', entry([])], ['bad', bad]]));
    expect([...(await root.get('s', []))]).toEqual([0]);
    await expect(root.get('bad', [4])).rejects.toThrow('bad loaded 3 values');
  });
});

describe('adapters', () => {
  it('rename, strip, add prefix and swap tables stay lazy', async () => {
    const e = entry([2]);
    const map: WeightMap = new Map([['timm_model.blocks.0.norm1.weight', e], ['timm_model.head.weight', entry([1])]]);
    const stripped = stripPrefix(map, 'timm_model.');
    expect([...stripped.keys()]).toEqual(['blocks.0.norm1.weight', 'head.weight']);
    expect([...addPrefix(stripped, 'm.').keys()]).toEqual(['m.blocks.0.norm1.weight', 'm.head.weight']);
    expect([...replaceInKeys(stripped, [['norm1', 'ln_1'], ['blocks.', 'layer.']]).keys()]).toEqual(['layer.0.ln_1.weight', 'head.weight']);
    expect([...renameKeys(stripped, (k) => (k.startsWith('head') ? null : k)).keys()]).toEqual(['blocks.0.norm1.weight']);
    expect(() => renameKeys(stripped, () => 'same')).toThrow('collides');
    expect(e.loads).toBe(0);
  });

  it('splits and fuses rows (qkv)', async () => {
    const qkv = entry([6, 2]);
    const [q, k, v] = [0, 1, 2].map((i) => sliceRows(qkv, i * 2, 2));
    expect(k.shape).toEqual([2, 2]);
    expect([...(await k.load())]).toEqual([4, 5, 6, 7]);
    const fused = concatRows([q, k, v]);
    expect(fused.shape).toEqual([6, 2]);
    expect([...(await fused.load())]).toEqual([...(await qkv.load())]);
    expect(() => sliceRows(qkv, 5, 2)).toThrow(RangeError);
    expect(() => concatRows([entry([2, 2]), entry([2, 3])])).toThrow(RangeError);
  });
});
