import { isJsonObject, type JsonObject, type JsonValue } from '../../configs/pretrained-config.js';

/**
 * Typed reads of a timm model's keyword arguments (an entry point's defaults merged with config.json's
 * model_args). Every key must be read by the family's parser: `finish()` rejects the rest by name,
 * as Python rejects an unexpected keyword argument.
 */
export class TimmArgs {
  private readonly read = new Set<string>();

  constructor(
    private readonly args: JsonObject,
    /** e.g. "vit_base_patch16_224", for error messages. */
    readonly architecture: string,
  ) {}

  private take(key: string): JsonValue | undefined {
    this.read.add(key);
    const v = this.args[key];
    return v === null ? undefined : v;
  }

  private fail(key: string, want: string, got: unknown): never {
    throw new TypeError(`${this.architecture}: argument ${key} must be ${want}, got ${JSON.stringify(got)}`);
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.args, key) && this.args[key] !== null;
  }

  /** The raw value, for arguments with several accepted forms. */
  raw(key: string): JsonValue | undefined {
    return this.take(key);
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') this.fail(key, 'true or false', v);
    return v;
  }

  /** A boolean that may be null (timm's Optional[bool]). */
  optionalBool(key: string): boolean | null {
    const v = this.take(key);
    if (v === undefined) return null;
    if (typeof v !== 'boolean') this.fail(key, 'true, false or null', v);
    return v;
  }

  number(key: string, fallback: number): number {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a number', v);
    return v;
  }

  int(key: string, fallback: number, min = 0): number {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.fail(key, `an integer >= ${min}`, v);
    return v;
  }

  string<T extends string>(key: string, fallback: T, allowed: readonly T[], why = ''): T {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new Error(`${this.architecture}: ${key} ${JSON.stringify(v)} is not supported${why}; supported: ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
    }
    return v as T;
  }

  /** An int or [height, width] (timm's to_2tuple). */
  pair(key: string, fallback: number): [number, number] {
    const v = this.take(key);
    if (v === undefined) return [fallback, fallback];
    if (typeof v === 'number' && Number.isInteger(v) && v > 0) return [v, v];
    if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) return [v[0] as number, v[1] as number];
    this.fail(key, 'a positive integer or [height, width]', v);
  }

  intList(key: string, fallback: readonly number[], length: number): number[] {
    const v = this.take(key);
    if (v === undefined) return [...fallback];
    if (!Array.isArray(v) || v.length !== length || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
      this.fail(key, `a list of ${length} positive integers`, v);
    }
    return v as number[];
  }

  /** Training-only arguments (dropout rates, init schemes): accepted, no effect on inference. */
  ignore(...keys: string[]): void {
    for (const k of keys) this.read.add(k);
  }

  /** Arguments whose only supported value is their default (falsy / empty): anything else is an error naming the feature. */
  requireDefault(key: string, feature: string): void {
    const v = this.take(key);
    const isDefault = v === undefined || v === false || v === '' || v === 0 || (isJsonObject(v) && Object.keys(v).length === 0);
    if (!isDefault) throw new Error(`${this.architecture}: ${key}=${JSON.stringify(v)} (${feature}) is not supported by purevit`);
  }

  /** Throws for any argument no read asked for, listing the known ones. */
  finish(): void {
    const unknown = Object.keys(this.args).filter((k) => !this.read.has(k));
    if (unknown.length > 0) {
      throw new Error(
        `${this.architecture}: unknown model argument${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; ` +
          `supported: ${[...this.read].sort().join(', ')}`,
      );
    }
  }
}
