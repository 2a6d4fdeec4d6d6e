// Every safetensors file of the golden tree opens and reads through this package; the values are
// checked against facts recorded by the Python generator (shapes, max |x|, dtypes, index sizes).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { bytesSource, dtypeSize, loadWeights, SafetensorsFile, WeightScope } from '@purevit/weights';
import { fileSource, openRepo, readBytes } from '@purevit/weights/platform';

const golden = fileURLToPath(new URL('../../../golden/', import.meta.url));

function findSafetensors(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return findSafetensors(path);
    return name.endsWith('.safetensors') ? [path] : [];
  });
}

function maxAbs(data: Float32Array): number {
  let m = 0;
  for (const v of data) m = Math.max(m, Math.abs(v));
  return m;
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const y = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  return x.equals(y);
}

const files = findSafetensors(golden);
const caseDirs = readdirSync(golden).filter((d) => {
  try {
    return statSync(join(golden, d, 'case.json')).isFile();
  } catch {
    return false;
  }
});

describe('golden safetensors files', () => {
  it('finds the fixtures', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(caseDirs.length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [f.slice(golden.length)]))('%s reads identically from a file and from memory', async (rel) => {
    const path = join(golden, rel);
    const fromFile = await SafetensorsFile.open(await fileSource(path));
    const fromMemory = await SafetensorsFile.open(bytesSource(await readBytes(path)));
    expect(fromFile.names()).toEqual(fromMemory.names());
    expect(fromFile.names().length).toBeGreaterThan(0);
    let bytes = 0;
    for (const name of fromFile.names()) {
      const info = fromFile.info(name);
      const count = info.shape.reduce((a, b) => a * b, 1);
      bytes += count * dtypeSize(info.dtype);
      const typed = await fromFile.readTyped(name);
      expect(typed.length).toBe(count);
      const a = await fromFile.readFloat32(name);
      const b = await fromMemory.readFloat32(name);
      expect(a.length).toBe(count);
      expect(sameBits(a, b)).toBe(true);
    }
    // Tensors tile the data section: header + data = file size.
    expect(fromFile.dataStart + bytes).toBe(statSync(path).size);
    expect(fromFile.dataStart % 8).toBe(0);
  });
});

describe('golden model cases', () => {
  it.each(caseDirs.map((d) => [d]))('%s: expected_max_abs and weights_dtype agree with the files', async (dir) => {
    const spec = JSON.parse(readFileSync(join(golden, dir, 'case.json'), 'utf8')) as {
      kind: string;
      model_dir?: string;
      expected_max_abs?: Record<string, number>;
      weights_dtype?: string;
    };
    const io = await SafetensorsFile.open(await fileSource(join(golden, dir, 'io.safetensors')));
    for (const [name, expected] of Object.entries(spec.expected_max_abs ?? {})) {
      const got = maxAbs(await io.readFloat32(name));
      expect(Math.abs(got - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
    }
    if (spec.kind !== 'model' || !spec.model_dir) return;
    const repo = await openRepo(join(golden, dir, spec.model_dir));
    const map = await loadWeights(repo);
    expect(map.size).toBeGreaterThan(0);
    for (const [key, entry] of map) {
      if (spec.weights_dtype && entry.dtype !== 'I64') expect(entry.dtype, key).toBe(spec.weights_dtype);
      const data = await entry.load();
      expect(data.length).toBe(entry.shape.reduce((a, b) => a * b, 1));
      expect(data.every(Number.isFinite), key).toBe(true);
    }
  });
});

describe('golden kernels and images', () => {
  it('kernel outputs have the recorded shapes and max |x|', async () => {
    const spec = JSON.parse(readFileSync(join(golden, 'kernels/kernels.json'), 'utf8')) as {
      ops: { output: string; output_shape: number[]; expected_max_abs: number }[];
    };
    const file = await SafetensorsFile.open(await fileSource(join(golden, 'kernels/kernels.safetensors')));
    expect(spec.ops.length).toBeGreaterThan(10);
    for (const op of spec.ops) {
      expect(file.info(op.output).shape).toEqual(op.output_shape);
      const got = maxAbs(await file.readFloat32(op.output));
      expect(Math.abs(got - op.expected_max_abs)).toBeLessThanOrEqual(1e-6 * Math.max(1, op.expected_max_abs));
    }
  });

  it('decoded images are U8 HWC with the recorded shapes', async () => {
    const spec = JSON.parse(readFileSync(join(golden, 'images/images.json'), 'utf8')) as {
      images: { decoded: string; decoded_shape_hwc: number[] }[];
    };
    const file = await SafetensorsFile.open(await fileSource(join(golden, 'images/decoded.safetensors')));
    for (const image of spec.images) {
      const info = file.info(image.decoded);
      expect(info.dtype).toBe('U8');
      expect(info.shape).toEqual(image.decoded_shape_hwc);
      const data = await file.readTyped<'U8'>(image.decoded);
      expect(data).toBeInstanceOf(Uint8Array);
    }
  });
});

describe('special checkpoints', () => {
  it('merges the BF16 shards exactly as the index lists them', async () => {
    const dir = join(golden, 'vit_bf16_sharded/model');
    const index = JSON.parse(readFileSync(join(dir, 'model.safetensors.index.json'), 'utf8')) as {
      metadata: { total_size: number };
      weight_map: Record<string, string>;
    };
    const map = await loadWeights(await openRepo(dir));
    expect([...map.keys()].sort()).toEqual(Object.keys(index.weight_map).sort());
    let bytes = 0;
    for (const entry of map.values()) {
      expect(entry.dtype).toBe('BF16');
      bytes += entry.shape.reduce((a, b) => a * b, 2);
    }
    expect(bytes).toBe(index.metadata.total_size);
    // BF16 → F32 is exact: the low 16 bits of every converted value are zero.
    const data = await map.get('vit.embeddings.position_embeddings')!.load();
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    expect(bits.every((b) => (b & 0xffff) === 0)).toBe(true);
  });

  it('reads F16 weights through a WeightScope with the documented errors', async () => {
    const dir = join(golden, 'vit_tiny_224_fp16/model');
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as { hidden_size: number };
    const root = new WeightScope(await loadWeights(await openRepo(dir)));
    const h = config.hidden_size;
    const query = root.pp('vit').pp('encoder').pp('layer').pp(0).pp('attention').pp('attention').pp('query');
    const w = await query.get('weight', [h, h]);
    expect(w.length).toBe(h * h);
    await expect(query.get('weight', [h, h / 2])).rejects.toThrow(
      `shape mismatch for vit.encoder.layer.0.attention.attention.query.weight: expected [${h},${h / 2}] got [${h},${h}]`,
    );
    await expect(root.pp('vit').get('nope', [1])).rejects.toThrow('missing tensor vit.nope');
    expect(root.unusedKeys()).not.toContain('vit.encoder.layer.0.attention.attention.query.weight');
    expect(root.unusedKeys()).toContain('vit.encoder.layer.0.attention.attention.query.bias');
    expect(root.missingKeys()).toEqual(['vit.nope']);
  });
});
