/**
 * A kernel's scalar parameters as one WGSL uniform struct: the builder lists the fields once, and the same
 * list writes the struct declaration and packs the values for each dispatch (4-byte fields in order).
 */

export type ParamType = 'u32' | 'i32' | 'f32';

export class ParamsLayout {
  readonly fields: ReadonlyArray<readonly [string, ParamType]>;

  constructor(fields: ReadonlyArray<readonly [string, ParamType]>) {
    if (fields.length > 64) throw new RangeError(`ParamsLayout: ${fields.length} fields exceed one 256-byte uniform slot`);
    const names = new Set<string>();
    for (const [name] of fields) {
      if (names.has(name)) throw new Error(`ParamsLayout: field ${name} declared twice`);
      names.add(name);
    }
    this.fields = fields.length > 0 ? fields : [['unused', 'u32']];
  }

  /** `struct Params { … }` and its uniform binding. */
  declaration(binding: number): string {
    const body = this.fields.map(([name, type]) => `  ${name}: ${type},`).join('\n');
    return `struct Params {\n${body}\n}\n@group(0) @binding(${binding}) var<uniform> p: Params;\n`;
  }

  /** Packs `values` (every field required) into `target` at byte `offset`. */
  write(values: Readonly<Record<string, number>>, target: DataView, offset: number): void {
    this.fields.forEach(([name, type], i) => {
      const v = values[name] ?? (name === 'unused' ? 0 : undefined);
      if (v === undefined || !Number.isFinite(v)) throw new Error(`kernel parameter ${name} is ${String(v)}`);
      const at = offset + 4 * i;
      if (type === 'f32') target.setFloat32(at, v, true);
      else if (type === 'u32') {
        if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`kernel parameter ${name} = ${v} is not a u32`);
        target.setUint32(at, v, true);
      } else {
        if (!Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) throw new RangeError(`kernel parameter ${name} = ${v} is not an i32`);
        target.setInt32(at, v, true);
      }
    });
  }
}
