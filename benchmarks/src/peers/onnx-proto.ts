/**
 * The few ONNX protobuf messages a ViT graph needs (onnx.proto: ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto), written by hand: protobuf wire format is tags
 * (field << 3 | wire type), varints and length-delimited bytes. Messages keep their parts as a list of
 * byte chunks, so hundreds of MB of weights are never copied while nesting.
 */

/** A protobuf message under construction: its encoded fields, in order. */
export class ProtoMessage {
  readonly parts: Uint8Array[] = [];
  byteLength = 0;

  private push(bytes: Uint8Array): this {
    this.parts.push(bytes);
    this.byteLength += bytes.byteLength;
    return this;
  }

  private tag(field: number, wireType: number): this {
    return this.push(varint(field * 8 + wireType));
  }

  /** int32 / int64 / enum / bool (wire type 0). Negative values take ten bytes, as protobuf's int64 does. */
  int(field: number, value: number | bigint): this {
    return this.tag(field, 0).push(varint(value));
  }

  /** float (wire type 5). */
  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    return this.tag(field, 5).push(b);
  }

  bytes(field: number, value: Uint8Array): this {
    return this.tag(field, 2).push(varint(value.byteLength)).push(value);
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, value: ProtoMessage): this {
    this.tag(field, 2).push(varint(value.byteLength));
    for (const p of value.parts) this.push(p);
    return this;
  }

  /** Repeated int64 as one packed field (proto3 default for repeated scalars). */
  packedInts(field: number, values: readonly number[]): this {
    const encoded = values.map((v) => varint(v));
    const length = encoded.reduce((n, e) => n + e.byteLength, 0);
    this.tag(field, 2).push(varint(length));
    for (const e of encoded) this.push(e);
    return this;
  }
}

export function varint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v !== 0n) byte |= 0x80;
    out.push(byte);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/** onnx.TensorProto.DataType */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
/** onnx.AttributeProto.AttributeType */
const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 } as const;

export type AttributeValue = number | string | { ints: readonly number[] } | { float: number };

/** TensorProto with raw little-endian data. */
export function tensorProto(name: string, dims: readonly number[], data: Float32Array | BigInt64Array): ProtoMessage {
  const m = new ProtoMessage();
  if (dims.length) m.packedInts(1, dims);
  m.int(2, data instanceof Float32Array ? DataType.FLOAT : DataType.INT64);
  m.string(8, name);
  m.bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return m;
}

/** AttributeProto: integers become INT (whole numbers) unless given as { float }. */
export function attributeProto(name: string, value: AttributeValue): ProtoMessage {
  const m = new ProtoMessage().string(1, name);
  if (typeof value === 'string') return m.bytes(4, new TextEncoder().encode(value)).int(20, AttributeType.STRING);
  if (typeof value === 'number') {
    return Number.isInteger(value) ? m.int(3, value).int(20, AttributeType.INT) : m.float(2, value).int(20, AttributeType.FLOAT);
  }
  if ('float' in value) return m.float(2, value.float).int(20, AttributeType.FLOAT);
  return m.packedInts(8, value.ints).int(20, AttributeType.INTS);
}

export interface OnnxNode {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: Readonly<Record<string, AttributeValue>>;
}

export function nodeProto(node: OnnxNode, name: string): ProtoMessage {
  const m = new ProtoMessage();
  for (const i of node.inputs) m.string(1, i);
  for (const o of node.outputs) m.string(2, o);
  m.string(3, name).string(4, node.op);
  for (const [k, v] of Object.entries(node.attributes ?? {})) m.message(5, attributeProto(k, v));
  return m;
}

/** ValueInfoProto of a float tensor; string dims are symbolic (dim_param). */
export function valueInfoProto(name: string, dims: readonly (number | string)[], elemType: number = DataType.FLOAT): ProtoMessage {
  const shape = new ProtoMessage();
  for (const d of dims) shape.message(1, typeof d === 'number' ? new ProtoMessage().int(1, d) : new ProtoMessage().string(2, d));
  const tensorType = new ProtoMessage().int(1, elemType).message(2, shape);
  return new ProtoMessage().string(1, name).message(2, new ProtoMessage().message(1, tensorType));
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  initializers: readonly { name: string; dims: readonly number[]; data: Float32Array | BigInt64Array }[];
  inputs: readonly { name: string; dims: readonly (number | string)[] }[];
  outputs: readonly { name: string; dims: readonly (number | string)[] }[];
}

/** ModelProto (IR version 8, default-domain opset `opset`) as byte chunks, ready to write or concatenate. */
export function modelProto(graph: OnnxGraph, opset = 17): ProtoMessage {
  const g = new ProtoMessage();
  graph.nodes.forEach((n, i) => g.message(1, nodeProto(n, `${n.op}_${i}`)));
  g.string(2, graph.name);
  for (const t of graph.initializers) g.message(5, tensorProto(t.name, t.dims, t.data));
  for (const i of graph.inputs) g.message(11, valueInfoProto(i.name, i.dims));
  for (const o of graph.outputs) g.message(12, valueInfoProto(o.name, o.dims));
  return new ProtoMessage()
    .int(1, 8)
    .string(2, 'purevit-benchmarks')
    .string(3, '0.1.0')
    .message(7, g)
    .message(8, new ProtoMessage().string(1, '').int(2, opset));
}

/** The whole encoded message in one buffer (what onnxruntime's InferenceSession.create takes). */
export function concatParts(m: ProtoMessage): Uint8Array {
  const out = new Uint8Array(m.byteLength);
  let at = 0;
  for (const p of m.parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
