// The protobuf encoding behind the peer comparison's ONNX graph (benchmarks/src/peers/onnx-proto.ts).
import { describe, expect, it } from 'vitest';
import { ProtoMessage, concatParts, varint } from '../src/peers/onnx-proto.js';

describe('ONNX protobuf encoding', () => {
  it('varints as in the protobuf encoding guide (1, 150, 300; int64 -1 takes ten bytes)', () => {
    expect([...varint(1)]).toEqual([0x01]);
    expect([...varint(150)]).toEqual([0x96, 0x01]);
    expect([...varint(300)]).toEqual([0xac, 0x02]);
    expect([...varint(-1)]).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });

  it('fields: tag = field << 3 | wire type; strings and nested messages length-delimited', () => {
    // the guide's example: message { int32 a = 1 } with a = 150 is 08 96 01
    expect([...concatParts(new ProtoMessage().int(1, 150))]).toEqual([0x08, 0x96, 0x01]);
    // string b = 2 "testing": 12 07 74 65 73 74 69 6e 67
    expect([...concatParts(new ProtoMessage().string(2, 'testing'))]).toEqual([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67]);
    // message c = 3 { a = 150 }: 1a 03 08 96 01
    expect([...concatParts(new ProtoMessage().message(3, new ProtoMessage().int(1, 150)))]).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
  });
});
