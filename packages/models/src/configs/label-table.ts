/**
 * A config's class names. transformers fills `id2label` with LABEL_0 … LABEL_{n-1} when a config
 * gives only `num_labels`; building that table eagerly costs memory proportional to n before any
 * weight is read, so here the default names are made on demand: `nameOf(i)` and `size` never build
 * it, and the record is materialised only when someone asks for `id2label` itself. Sizes are
 * bounded by CONFIG_BOUNDS.labels when the config is read.
 */

export class LabelTable {
  private constructor(
    /** Explicit names, or null for the default LABEL_i names. */
    private names: Record<number, string> | null,
    private readonly count: number,
  ) {}

  /** LABEL_0 … LABEL_{n-1}, not built until asked for. */
  static defaults(n: number): LabelTable {
    return new LabelTable(null, n);
  }

  static of(id2label: Record<number, string>): LabelTable {
    return new LabelTable(id2label, 0);
  }

  get size(): number {
    return this.names === null ? this.count : Object.keys(this.names).length;
  }

  nameOf(index: number): string {
    const name = this.names === null ? undefined : this.names[index];
    return name ?? `LABEL_${index}`;
  }

  /** The class index → name record (built once for default names; later edits to it are kept). */
  record(): Record<number, string> {
    if (this.names === null) {
      const names: Record<number, string> = {};
      for (let i = 0; i < this.count; i++) names[i] = `LABEL_${i}`;
      this.names = names;
    }
    return this.names;
  }
}

/** name → class index of a label record (the last index wins for a repeated name, as in Python). */
export function invertLabels(id2label: Record<number, string>): Record<string, number> {
  const inverse: Record<string, number> = {};
  for (const [index, name] of Object.entries(id2label)) inverse[name] = Number(index);
  return inverse;
}
