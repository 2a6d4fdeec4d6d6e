/**
 * A tiny WebAssembly module builder: just enough of the binary format (types, one imported memory,
 * functions, exports, code) and of the instruction set (i32 arithmetic, structured control flow,
 * f32 / v128 loads and stores, the SIMD128 f32x4 / i32x4 operations our kernels use) to emit kernels
 * from TypeScript at run time. No toolchain, no binary blobs: the bytes a kernel runs are written by the
 * `emit*` functions beside this file, and a reader sees the kernel's loop structure in them.
 *
 * Spec: https://webassembly.github.io/spec/core/binary/ (sections, LEB128) and the SIMD proposal's opcode
 * table (all SIMD instructions are 0xFD followed by a LEB128 opcode).
 */

/** Value types (binary encodings). */
export const i32 = 0x7f;
export const f32 = 0x7d;
export const f64 = 0x7c;
export const v128 = 0x7b;
export type ValType = typeof i32 | typeof f32 | typeof f64 | typeof v128;

/** Unsigned LEB128. */
export function uleb128(value: number): number[] {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`uleb128: invalid value ${value}`);
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (for i32.const immediates and block types). */
export function sleb128(value: number): number[] {
  if (!Number.isSafeInteger(value)) throw new RangeError(`sleb128: invalid value ${value}`);
  const out: number[] = [];
  let v = value;
  for (;;) {
    const byte = ((v % 128) + 128) % 128;
    v = Math.floor(v / 128);
    const signBitSet = (byte & 0x40) !== 0;
    if ((v === 0 && !signBitSet) || (v === -1 && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function utf8Name(name: string): number[] {
  const bytes = new TextEncoder().encode(name);
  return [...uleb128(bytes.length), ...bytes];
}

function vector(items: number[][]): number[] {
  return [...uleb128(items.length), ...items.flat()];
}

/** A label of an enclosing block, loop or if: branch to it with `br(label)` / `brIf(label)`. */
export interface Label {
  readonly depth: number; // nesting level at which the construct was opened
}

/** A local (or parameter) index with its type. */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

const SIMD = 0xfd;

/**
 * One function's body, written as a stack machine: every method appends one instruction and returns
 * `this`, so `f.get(a).get(b).i32Add().set(c)` reads as `c = a + b`. Structured control (`block`,
 * `loop`, `if`) takes a callback for the body and hands it the construct's `Label`, so branches name
 * their target instead of counting nesting depths.
 */
export class FunctionBuilder {
  readonly name: string;
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  private depth = 0;

  constructor(name: string, params: readonly ValType[], results: readonly ValType[]) {
    this.name = name;
    this.params = params;
    this.results = results;
  }

  /** Parameter `i`. */
  param(i: number): Local {
    if (i < 0 || i >= this.params.length) throw new RangeError(`${this.name}: no parameter ${i}`);
    return { index: i, type: this.params[i] };
  }

  /** All parameters, in order. */
  paramList(): Local[] {
    return this.params.map((_, i) => this.param(i));
  }

  /** Declares a new local of the given type. */
  local(type: ValType): Local {
    this.localTypes.push(type);
    return { index: this.params.length + this.localTypes.length - 1, type };
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b);
    return this;
  }

  private simd(opcode: number, ...immediates: number[]): this {
    return this.op(SIMD, ...uleb128(opcode), ...immediates);
  }

  // ---- locals and constants ----
  get(l: Local): this { return this.op(0x20, ...uleb128(l.index)); }
  set(l: Local): this { return this.op(0x21, ...uleb128(l.index)); }
  tee(l: Local): this { return this.op(0x22, ...uleb128(l.index)); }
  i32Const(v: number): this { return this.op(0x41, ...sleb128(v | 0)); }
  f32Const(v: number): this {
    const bytes = new Uint8Array(new Float32Array([v]).buffer);
    return this.op(0x43, ...bytes);
  }
  /** A v128 constant of four f32 lanes (all equal when one value is given). */
  f32x4Const(...lanes: number[]): this {
    const values = lanes.length === 1 ? [lanes[0], lanes[0], lanes[0], lanes[0]] : lanes;
    if (values.length !== 4) throw new RangeError('f32x4Const takes 1 or 4 lanes');
    return this.simd(0x0c, ...new Uint8Array(new Float32Array(values).buffer));
  }
  /** A v128 constant of four i32 lanes (all equal when one value is given). */
  i32x4Const(...lanes: number[]): this {
    const values = lanes.length === 1 ? [lanes[0], lanes[0], lanes[0], lanes[0]] : lanes;
    if (values.length !== 4) throw new RangeError('i32x4Const takes 1 or 4 lanes');
    return this.simd(0x0c, ...new Uint8Array(new Int32Array(values).buffer));
  }
  /**
   * Sequencing only: `f.get(a).ap(load(f, b)).f32x4Add()` — the argument expression was emitted when it
   * was evaluated (after `get(a)`), so nested operands can be written inline in stack order.
   */
  ap(_operand: this): this { return this; }
  drop(): this { return this.op(0x1a); }
  /** `select`: pops a, b, cond (i32) and pushes cond ? a : b. */
  select(): this { return this.op(0x1b); }

  // ---- i32 arithmetic and comparisons ----
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32DivS(): this { return this.op(0x6d); }
  i32DivU(): this { return this.op(0x6e); }
  i32RemU(): this { return this.op(0x70); }
  i32And(): this { return this.op(0x71); }
  i32Or(): this { return this.op(0x72); }
  i32Shl(): this { return this.op(0x74); }
  i32ShrU(): this { return this.op(0x76); }
  i32Eqz(): this { return this.op(0x45); }
  i32Eq(): this { return this.op(0x46); }
  i32Ne(): this { return this.op(0x47); }
  i32LtS(): this { return this.op(0x48); }
  i32LtU(): this { return this.op(0x49); }
  i32GtS(): this { return this.op(0x4a); }
  i32GtU(): this { return this.op(0x4b); }
  i32LeS(): this { return this.op(0x4c); }
  i32GeS(): this { return this.op(0x4e); }
  i32GeU(): this { return this.op(0x4f); }

  // ---- scalar f32 ----
  f32Add(): this { return this.op(0x92); }
  f32Sub(): this { return this.op(0x93); }
  f32Mul(): this { return this.op(0x94); }
  f32Div(): this { return this.op(0x95); }
  f32Sqrt(): this { return this.op(0x91); }
  f32Min(): this { return this.op(0x96); }
  f32Max(): this { return this.op(0x97); }
  f32Eq(): this { return this.op(0x5b); }
  f32Ne(): this { return this.op(0x5c); }
  f32ConvertI32S(): this { return this.op(0xb2); }

  // ---- memory (alignment hints are log2 bytes; offsets are byte immediates) ----
  f32Load(offset = 0): this { return this.op(0x2a, 2, ...uleb128(offset)); }
  f32Store(offset = 0): this { return this.op(0x38, 2, ...uleb128(offset)); }
  i32Load(offset = 0): this { return this.op(0x28, 2, ...uleb128(offset)); }
  v128Load(offset = 0): this { return this.simd(0x00, 4, ...uleb128(offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b, 4, ...uleb128(offset)); }
  /** Loads one f32 and broadcasts it to all four lanes. */
  v128Load32Splat(offset = 0): this { return this.simd(0x09, 2, ...uleb128(offset)); }

  // ---- SIMD: lanes ----
  f32x4Splat(): this { return this.simd(0x13); }
  i32x4Splat(): this { return this.simd(0x11); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f, lane); }
  /** i8x16.shuffle of two vectors; `lanes` are 16 byte indices into a ++ b. */
  i8x16Shuffle(lanes: readonly number[]): this {
    if (lanes.length !== 16) throw new RangeError('i8x16Shuffle takes 16 lane indices');
    return this.simd(0x0d, ...lanes);
  }

  // ---- SIMD: bitwise ----
  v128Not(): this { return this.simd(0x4d); }
  v128And(): this { return this.simd(0x4e); }
  v128AndNot(): this { return this.simd(0x4f); }
  v128Or(): this { return this.simd(0x50); }
  v128Xor(): this { return this.simd(0x51); }
  /** Pops a, b, mask and pushes (a & mask) | (b & ~mask). */
  v128Bitselect(): this { return this.simd(0x52); }

  // ---- SIMD: f32x4 ----
  f32x4Eq(): this { return this.simd(0x41); }
  f32x4Lt(): this { return this.simd(0x43); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Le(): this { return this.simd(0x45); }
  f32x4Ge(): this { return this.simd(0x46); }
  f32x4Abs(): this { return this.simd(0xe0); }
  f32x4Neg(): this { return this.simd(0xe1); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Mul(): this { return this.simd(0xe6); }
  f32x4Div(): this { return this.simd(0xe7); }
  /** IEEE-style min / max that propagate NaN (unlike pmin / pmax). */
  f32x4Min(): this { return this.simd(0xe8); }
  f32x4Max(): this { return this.simd(0xe9); }
  /**
   * Pseudo-min / max: pmin(a, b) = b < a ? b : a, pmax(a, b) = a < b ? b : a — one minps / maxps on x86,
   * where min / max need a 6–7 instruction sequence. A NaN in `a` is kept, one in `b` is not.
   */
  f32x4Pmin(): this { return this.simd(0xea); }
  f32x4Pmax(): this { return this.simd(0xeb); }
  f32x4Nearest(): this { return this.simd(0x6a); }
  /**
   * relaxed-simd `f32x4.relaxed_madd(a, b, c)` = a·b + c, fused or not as the engine chooses. Only in
   * modules for engines that validate it (Node ≥ 22, Chromium ≥ 114; Node 20 behind a flag).
   */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }

  // ---- SIMD: i32x4 ----
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Sub(): this { return this.simd(0xb1); }
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4TruncSatF32x4S(): this { return this.simd(0xf8); }
  f32x4ConvertI32x4S(): this { return this.simd(0xfa); }

  // ---- control ----
  /** `block`: a `br` to its label jumps past its end. */
  block(body: (label: Label) => void): this { return this.structured(0x02, body); }
  /** `loop`: a `br` to its label jumps back to its start. */
  loop(body: (label: Label) => void): this { return this.structured(0x03, body); }
  /** `if` (pops an i32 condition), with an optional `else`. */
  if(then: (label: Label) => void, otherwise?: (label: Label) => void): this {
    const label = { depth: this.depth };
    this.op(0x04, 0x40);
    this.depth++;
    then(label);
    if (otherwise) {
      this.op(0x05);
      otherwise(label);
    }
    this.depth--;
    return this.op(0x0b);
  }
  br(label: Label): this { return this.op(0x0c, ...uleb128(this.relative(label))); }
  /** Pops an i32; branches when it is non-zero. */
  brIf(label: Label): this { return this.op(0x0d, ...uleb128(this.relative(label))); }
  return(): this { return this.op(0x0f); }
  call(fn: FunctionBuilder | number, module?: ModuleBuilder): this {
    const index = typeof fn === 'number' ? fn : (module ?? fail('call: pass the module')).functionIndex(fn);
    return this.op(0x10, ...uleb128(index));
  }

  /**
   * `for (i = start; i < end; i += step) body()`, signed comparison. `start`, `end` and `step` are
   * emitters pushing one i32 each (`end` is re-evaluated every iteration, so pass a local); `step` is a constant or a local. The body
   * gets `brk` (leave the loop) and `next` (skip to the increment) labels.
   */
  forRange(
    i: Local,
    start: (f: this) => void,
    end: (f: this) => void,
    step: number | Local,
    body: (brk: Label, next: Label) => void,
  ): this {
    start(this);
    this.set(i);
    return this.block((brk) => {
      this.loop((top) => {
        this.get(i);
        end(this);
        this.i32GeS().brIf(brk);
        this.block((next) => body(brk, next));
        this.get(i);
        if (typeof step === 'number') this.i32Const(step);
        else this.get(step);
        this.i32Add().set(i).br(top);
      });
    });
  }

  /** `x += delta` for an i32 local. */
  addTo(x: Local, delta: number): this {
    return delta === 0 ? this : this.get(x).i32Const(delta).i32Add().set(x);
  }

  private structured(opcode: number, body: (label: Label) => void): this {
    const label = { depth: this.depth };
    this.op(opcode, 0x40); // empty block type
    this.depth++;
    body(label);
    this.depth--;
    return this.op(0x0b);
  }

  private relative(label: Label): number {
    const rel = this.depth - 1 - label.depth;
    if (rel < 0) throw new Error(`${this.name}: branch to a label that is not enclosing`);
    return rel;
  }

  /** The function body's bytes (locals declaration + code + end). */
  encodeBody(): number[] {
    if (this.depth !== 0) throw new Error(`${this.name}: unbalanced control structures`);
    const groups: number[][] = [];
    for (let i = 0; i < this.localTypes.length; ) {
      let j = i;
      while (j < this.localTypes.length && this.localTypes[j] === this.localTypes[i]) j++;
      groups.push([...uleb128(j - i), this.localTypes[i]]);
      i = j;
    }
    const body = [...vector(groups), ...this.code, 0x0b];
    return [...uleb128(body.length), ...body];
  }
}

function fail(message: string): never {
  throw new Error(message);
}

export interface MemoryImport {
  module: string;
  name: string;
  minPages: number;
  maxPages?: number;
  shared: boolean;
}

/** Collects functions and one imported memory, and encodes the module. */
export class ModuleBuilder {
  private readonly functions: FunctionBuilder[] = [];
  private readonly exported = new Set<FunctionBuilder>();
  private memory: MemoryImport | null = null;

  importMemory(memory: MemoryImport): this {
    if (memory.shared && memory.maxPages === undefined) throw new Error('a shared memory needs maxPages');
    this.memory = memory;
    return this;
  }

  /** Adds a function (exported under its name when `exported`). */
  function(
    name: string,
    params: readonly ValType[],
    results: readonly ValType[],
    body: (f: FunctionBuilder) => void,
    exported = true,
  ): FunctionBuilder {
    const f = new FunctionBuilder(name, params, results);
    this.functions.push(f);
    if (exported) this.exported.add(f);
    body(f);
    return f;
  }

  functionIndex(f: FunctionBuilder): number {
    const i = this.functions.indexOf(f);
    if (i < 0) throw new Error(`function ${f.name} is not part of this module`);
    return i; // no imported functions, so function indices start at 0
  }

  encode(): Uint8Array<ArrayBuffer> {
    const section = (id: number, content: number[]): number[] => [id, ...uleb128(content.length), ...content];
    const typeOf = (f: FunctionBuilder): number[] => [
      0x60,
      ...vector(f.params.map((t) => [t])),
      ...vector(f.results.map((t) => [t])),
    ];
    const types = this.functions.map(typeOf);
    const bytes: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    bytes.push(...section(1, vector(types)));
    if (this.memory) {
      const m = this.memory;
      const flags = (m.maxPages !== undefined ? 1 : 0) | (m.shared ? 2 : 0);
      const limits = [flags, ...uleb128(m.minPages), ...(m.maxPages !== undefined ? uleb128(m.maxPages) : [])];
      bytes.push(...section(2, vector([[...utf8Name(m.module), ...utf8Name(m.name), 0x02, ...limits]])));
    }
    bytes.push(...section(3, vector(this.functions.map((_, i) => uleb128(i)))));
    const exports = this.functions
      .filter((f) => this.exported.has(f))
      .map((f) => [...utf8Name(f.name), 0x00, ...uleb128(this.functionIndex(f))]);
    bytes.push(...section(7, vector(exports)));
    bytes.push(...section(10, vector(this.functions.map((f) => f.encodeBody()))));
    return new Uint8Array(bytes);
  }
}
