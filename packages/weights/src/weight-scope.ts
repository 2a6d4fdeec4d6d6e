/**
 * A path into a weight map that mirrors the module tree (candle's VarBuilder):
 * `root.pp('encoder').pp('layer').pp(3).get('weight', [768, 768])` reads `encoder.layer.3.weight`.
 * All scopes derived from one root share the record of which keys were read, so after building a
 * model `root.unusedKeys()` lists the checkpoint's unexpected keys and `root.missingKeys()` the keys
 * the model asked for in vain.
 */

import { formatShape, shapesEqual } from '@purevit/core';
import { WeightError } from './weight-error.js';
import type { WeightEntry, WeightMap } from './weight-map.js';

interface Tracking {
  readonly map: WeightMap;
  readonly used: Set<string>;
  readonly missing: Set<string>;
}

export class WeightScope {
  /** Full key prefix of this scope, '' at the root, otherwise ending without a dot. */
  readonly prefix: string;
  private readonly tracking: Tracking;

  /** A root scope over `map`, or (given a parent scope and a name) the same as `parent.pp(name)`. */
  constructor(map: WeightMap);
  constructor(parent: WeightScope, name: string | number);
  constructor(source: WeightMap | WeightScope, name?: string | number) {
    if (source instanceof WeightScope) {
      this.prefix = source.key(name ?? '');
      this.tracking = source.tracking;
    } else {
      this.prefix = '';
      this.tracking = { map: source, used: new Set(), missing: new Set() };
    }
  }

  /** The sub-scope `name` (a module name or a list index). */
  pp(name: string | number): WeightScope {
    return new WeightScope(this, name);
  }

  /** Full checkpoint key of `name` in this scope. */
  key(name: string | number): string {
    return this.prefix === '' ? String(name) : `${this.prefix}.${name}`;
  }

  has(name: string | number): boolean {
    return this.tracking.map.has(this.key(name));
  }

  /** The entry without reading it or marking it used (e.g. to infer a size from a shape). */
  entry(name: string | number): WeightEntry | undefined {
    return this.tracking.map.get(this.key(name));
  }

  /** Names directly or indirectly under this scope, relative to it, in map order. */
  keys(): string[] {
    if (this.prefix === '') return [...this.tracking.map.keys()];
    const start = `${this.prefix}.`;
    return [...this.tracking.map.keys()].filter((k) => k.startsWith(start)).map((k) => k.slice(start.length));
  }

  /** Reads `name`, checking its shape; throws `missing tensor <key>` or `shape mismatch for <key>: …`. */
  async get(name: string | number, shape: readonly number[]): Promise<Float32Array> {
    const key = this.key(name);
    const entry = this.tracking.map.get(key);
    if (!entry) {
      this.tracking.missing.add(key);
      throw new WeightError('missing_tensor', `missing tensor ${key}`, key);
    }
    return this.load(key, entry, shape);
  }

  /** Like `get`, but resolves to null when the checkpoint has no such key. */
  async getOptional(name: string | number, shape: readonly number[]): Promise<Float32Array | null> {
    const key = this.key(name);
    const entry = this.tracking.map.get(key);
    return entry ? this.load(key, entry, shape) : null;
  }

  /** Marks a key as consumed without reading it (e.g. BatchNorm's num_batches_tracked). */
  markUsed(name: string | number): void {
    const key = this.key(name);
    if (this.tracking.map.has(key)) this.tracking.used.add(key);
  }

  /** Keys of the whole map that no scope of this root has read, in map order. */
  unusedKeys(): string[] {
    return [...this.tracking.map.keys()].filter((k) => !this.tracking.used.has(k));
  }

  /** Keys that `get` was asked for and the map did not hold. */
  missingKeys(): string[] {
    return [...this.tracking.missing];
  }

  private async load(key: string, entry: WeightEntry, shape: readonly number[]): Promise<Float32Array> {
    if (!shapesEqual(entry.shape, shape)) {
      throw new WeightError('shape_mismatch', `shape mismatch for ${key}: expected ${formatShape(shape)} got ${formatShape(entry.shape)}`, key);
    }
    this.tracking.used.add(key);
    const data = await entry.load();
    const expected = shape.reduce((a, b) => a * b, 1);
    if (data.length !== expected) {
      throw new WeightError('invalid_entry', `${key} loaded ${data.length} values, its shape ${formatShape(shape)} holds ${expected}`, key);
    }
    return data;
  }
}
