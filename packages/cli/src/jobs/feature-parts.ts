/**
 * `purevit embed --out-dir`: features streamed into numbered part files, each written atomically
 * once it holds `partSize` images (or at the end): `<prefix>-000000.safetensors` (tensor "features"
 * [images, ...] and __metadata__ "images", "model", "pooling") or `<prefix>-000000.npy` with the
 * image list in `<prefix>-000000.images.json` (written first; a part counts once its .npy exists).
 * Inputs that fail go to `<prefix>.errors.jsonl`. The prefix is `part`, or `part-00002-of-00008`
 * for shard 2 of 8, so shards can share one folder; parts sorted by name are in input order.
 */

import { mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { SafetensorsFile, writeSafetensors } from '@purevit/weights';
import { fileSource } from '@purevit/weights/platform';
import { INCOMPLETE_SUFFIX, writeFileAtomic } from './atomic-file.js';
import { JsonlFile } from './jsonl-file.js';
import { encodeNpyFloat32 } from './npy.js';
import type { Shard } from './shard.js';

export type FeatureFormat = 'safetensors' | 'npy';
export const FEATURE_FORMATS: readonly FeatureFormat[] = ['safetensors', 'npy'];

export interface FeaturePartsOptions {
  dir: string;
  format: FeatureFormat;
  partSize: number;
  shard?: Shard;
  resume: boolean;
  /** __metadata__ of safetensors parts. */
  model: string;
  pooling: 'pooled' | 'tokens';
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

export function partPrefix(shard: Shard | undefined): string {
  return shard ? `part-${pad(shard.index, 5)}-of-${pad(shard.count, 5)}` : 'part';
}

export class FeatureParts {
  private images: string[] = [];
  private rows: Float32Array[] = [];
  private rowShape: readonly number[] = [];
  /** Parts written by this writer (for the summary). */
  written = 0;

  private constructor(
    private readonly options: FeaturePartsOptions,
    private readonly prefix: string,
    private next: number,
    private readonly errors: JsonlFile,
  ) {}

  /** Opens the folder; `done` receives every input already in a part or in the errors file. */
  static async open(options: FeaturePartsOptions, done: Set<string>): Promise<FeatureParts> {
    await mkdir(options.dir, { recursive: true }).catch((e: unknown) => {
      throw new Error(`cannot create ${options.dir}: ${e instanceof Error ? e.message : String(e)}`);
    });
    const prefix = partPrefix(options.shard);
    const part = new RegExp(`^${prefix}-(\\d{6})\\.(safetensors|npy)$`);
    const names = await readdir(options.dir);
    const parts = names.filter((n) => part.test(n)).sort();
    if (parts.length > 0 && !options.resume) throw new Error(`${options.dir} already holds ${prefix}-* parts: add --resume to continue that job, or use another folder`);
    let next = 0;
    for (const name of parts) {
      const [, seq, ext] = part.exec(name)!;
      for (const image of await partImages(join(options.dir, name), ext as FeatureFormat)) done.add(image);
      next = Math.max(next, Number(seq) + 1);
    }
    // Leftovers of a kill mid-write: temporaries, and an npy part's list written before its .npy.
    for (const name of names) {
      const stale = name.startsWith(`${prefix}-`) && (name.endsWith(INCOMPLETE_SUFFIX) || (name.endsWith('.images.json') && !names.includes(name.replace(/\.images\.json$/, '.npy'))));
      if (stale) await rm(join(options.dir, name), { force: true });
    }
    const errors = await JsonlFile.open(join(options.dir, `${prefix}.errors.jsonl`), options.resume, (r) => done.add((r as { image: string }).image));
    return new FeatureParts(options, prefix, next, errors);
  }

  /** Adds one image's features; writes a part when it is full. */
  async add(image: string, features: Float32Array, shape: readonly number[]): Promise<void> {
    if (this.rows.length > 0 && shape.join() !== this.rowShape.join()) throw new Error(`${image}: features of shape [${shape.join(', ')}] differ from [${this.rowShape.join(', ')}] of the images before`);
    this.rowShape = shape;
    this.images.push(image);
    this.rows.push(features);
    if (this.rows.length >= this.options.partSize) await this.flush();
  }

  async addErrors(records: readonly { image: string; error: string }[]): Promise<void> {
    await this.errors.append(records);
  }

  /** Writes what is buffered as a part. */
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const shape = [this.rows.length, ...this.rowShape];
    const data = new Float32Array(this.rows.reduce((n, r) => n + r.length, 0)); // [images, ...rowShape]
    let offset = 0;
    for (const r of this.rows) {
      data.set(r, offset);
      offset += r.length;
    }
    const base = join(this.options.dir, `${this.prefix}-${pad(this.next, 6)}`);
    const images = JSON.stringify(this.images);
    if (this.options.format === 'safetensors') {
      const metadata = { images, model: this.options.model, pooling: this.options.pooling };
      await writeFileAtomic(`${base}.safetensors`, [writeSafetensors({ features: { dtype: 'F32', shape, data } }, metadata)]);
    } else {
      await writeFileAtomic(`${base}.images.json`, [Buffer.from(images)]);
      await writeFileAtomic(`${base}.npy`, encodeNpyFloat32(data, shape));
    }
    this.next++;
    this.written++;
    this.images = [];
    this.rows = [];
  }

  async close(): Promise<void> {
    await this.flush();
    await this.errors.close();
  }
}

async function partImages(path: string, format: FeatureFormat): Promise<string[]> {
  const list = async (): Promise<unknown> => {
    if (format === 'npy') return JSON.parse(await readFile(path.replace(/\.npy$/, '.images.json'), 'utf8'));
    const file = await SafetensorsFile.open(await fileSource(path));
    try {
      return JSON.parse(file.metadata?.images ?? 'null');
    } finally {
      await file.close?.();
    }
  };
  const images = await list().catch((e: unknown) => {
    throw new Error(`${path}: cannot read its image list (${e instanceof Error ? e.message : String(e)})`);
  });
  if (!Array.isArray(images) || !images.every((i) => typeof i === 'string')) throw new Error(`${path}: its image list is not a JSON list of strings`);
  return images;
}
