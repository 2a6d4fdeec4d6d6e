import { ConfigError, checkBound, formatList, formatValue, type BoundName } from '@purevit/weights';
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
    throw new ConfigError('invalid_type', `${this.architecture}: argument ${key} must be ${want}, got ${formatValue(got)}`, { field: `model_args.${key}` });
  }

  private bounded(key: string, value: unknown, bound: BoundName, field = key): number {
    return checkBound(value, bound, field, `${this.architecture}: argument`);
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

  /** A number inside the named bound (default: any finite number of moderate size). */
  number(key: string, fallback: number, bound: BoundName = 'finite'): number {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(key, 'a number', v);
    return this.bounded(key, v, bound);
  }

  /** An integer inside the named bound. */
  int(key: string, fallback: number, bound: BoundName): number {
    const v = this.take(key);
    if (v === undefined) return fallback;
    return this.bounded(key, v, bound);
  }

  string<T extends string>(key: string, fallback: T, allowed: readonly T[], why = ''): T {
    const v = this.take(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      throw new ConfigError(
        'unsupported',
        `${this.architecture}: ${key} ${formatValue(v)} is not supported${why}; supported: ${formatList(allowed.map((a) => JSON.stringify(a)))}`,
        { field: `model_args.${key}` },
      );
    }
    return v as T;
  }

  /** An int or [height, width] (timm's to_2tuple), each inside the named bound. */
  pair(key: string, fallback: number, bound: BoundName): [number, number] {
    const v = this.take(key);
    if (v === undefined) return [fallback, fallback];
    if (typeof v === 'number') {
      const n = this.bounded(key, v, bound);
      return [n, n];
    }
    if (Array.isArray(v) && v.length === 2 && v.every((d) => typeof d === 'number')) {
      return [this.bounded(key, v[0], bound, `${key}[0]`), this.bounded(key, v[1], bound, `${key}[1]`)];
    }
    this.fail(key, 'a positive integer or [height, width]', v);
  }

  /** A list of `length` integers, each inside the named bound. */
  intList(key: string, fallback: readonly number[], length: number, bound: BoundName): number[] {
    const v = this.take(key);
    if (v === undefined) return [...fallback];
    if (!Array.isArray(v) || v.length !== length || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0)) {
      this.fail(key, `a list of ${length} positive integers`, v);
    }
    return v.map((d, i) => this.bounded(key, d, bound, `${key}[${i}]`));
  }

  /** Training-only arguments (dropout rates, init schemes): accepted, no effect on inference. */
  ignore(...keys: string[]): void {
    for (const k of keys) this.read.add(k);
  }

  /** Arguments whose only supported value is their default (falsy / empty): anything else is an error naming the feature. */
  requireDefault(key: string, feature: string): void {
    const v = this.take(key);
    const isDefault = v === undefined || v === false || v === '' || v === 0 || (isJsonObject(v) && Object.keys(v).length === 0);
    if (!isDefault) throw new ConfigError('unsupported', `${this.architecture}: ${key}=${formatValue(v)} (${feature}) is not supported by purevit`, { field: `model_args.${key}` });
  }

  /** Throws for any argument no read asked for, listing the known ones. */
  finish(): void {
    const unknown = Object.keys(this.args).filter((k) => !this.read.has(k));
    if (unknown.length > 0) {
      throw new ConfigError(
        'unsupported',
        `${this.architecture}: unknown model argument${unknown.length > 1 ? 's' : ''} ${formatList(unknown.map((k) => formatValue(k, 40)), 80)}; ` +
          `supported: ${formatList([...this.read].sort())}`,
        { field: `model_args.${unknown[0]}` },
      );
    }
  }
}
