import { describe, expect, it } from 'vitest';
import { concatEncoded, encodeVarint, MessageWriter } from '../../../src/embedding/protobuf-writer.js';

const bytes = (...b: number[]) => Uint8Array.from(b);

describe('protobuf writer', () => {
  it('encodes varints as LEB128, negative int64 as ten bytes', () => {
    expect(encodeVarint(0)).toEqual(bytes(0));
    expect(encodeVarint(1)).toEqual(bytes(1));
    expect(encodeVarint(127)).toEqual(bytes(0x7f));
    expect(encodeVarint(128)).toEqual(bytes(0x80, 0x01));
    expect(encodeVarint(300)).toEqual(bytes(0xac, 0x02));
    expect(encodeVarint(2 ** 40)).toEqual(bytes(0x80, 0x80, 0x80, 0x80, 0x80, 0x20));
    expect(encodeVarint(-1)).toEqual(bytes(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01));
  });

  it('writes fields with tags and length prefixes, nesting messages', () => {
    const inner = new MessageWriter().varint(1, 150).finish();
    const outer = new MessageWriter().string(2, 'hi').message(3, inner).float(4, 1).bytes(5, bytes(9, 8)).finish();
    expect(concatEncoded(outer)).toEqual(
      bytes(
        0x12, 2, 0x68, 0x69, // field 2, length-delimited "hi"
        0x1a, 3, 0x08, 0x96, 0x01, // field 3: { field 1 = 150 }
        0x25, 0, 0, 0x80, 0x3f, // field 4, fixed32 1.0f little-endian
        0x2a, 2, 9, 8, // field 5, bytes
      ),
    );
    expect(outer.length).toBe(18);
  });

  it('references large byte fields instead of copying them', () => {
    const big = new Uint8Array(1024);
    const encoded = new MessageWriter().bytes(1, big).finish();
    expect(encoded.segments).toContain(big);
  });
});
