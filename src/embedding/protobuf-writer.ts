/**
 * A minimal protocol-buffers encoder: just enough of the wire format to write an ONNX model.
 *
 * A message is kept as a list of byte segments plus their total length instead of one buffer, so a
 * 100+ MB bytes field (an initializer's raw_data) is never copied: it is referenced as a segment and
 * streamed to disk after the small headers around it.
 */

/** An encoded message (or part of one): segments to write in order, and their total byte length. */
export interface Encoded {
  readonly segments: readonly Uint8Array[];
  readonly length: number;
}

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_LENGTH_DELIMITED = 2;

const textEncoder = new TextEncoder();

/** Unsigned LEB128; negative int64 values take the 10-byte two's-complement form, as protobuf requires. */
export function encodeVarint(value: number | bigint): Uint8Array {
  let v = BigInt.asUintN(64, BigInt(value));
  const bytes: number[] = [];
  while (v >= 0x80n) {
    bytes.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  bytes.push(Number(v));
  return Uint8Array.from(bytes);
}

function tag(field: number, wireType: number): Uint8Array {
  return encodeVarint((field << 3) | wireType);
}

/** Builds one message field by field, in the order the fields are added. */
export class MessageWriter {
  private readonly segments: Uint8Array[] = [];
  private length = 0;

  private push(bytes: Uint8Array): void {
    this.segments.push(bytes);
    this.length += bytes.length;
  }

  /** int32, int64, enum and bool fields. */
  varint(field: number, value: number | bigint | boolean): this {
    this.push(tag(field, WIRE_VARINT));
    this.push(encodeVarint(typeof value === 'boolean' ? (value ? 1 : 0) : value));
    return this;
  }

  /** A 32-bit float field (wire type fixed32). */
  float(field: number, value: number): this {
    this.push(tag(field, WIRE_FIXED32));
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    this.push(bytes);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, textEncoder.encode(value));
  }

  /** A bytes field; the array is referenced, not copied, so it must not change until written. */
  bytes(field: number, value: Uint8Array): this {
    this.push(tag(field, WIRE_LENGTH_DELIMITED));
    this.push(encodeVarint(value.length));
    this.push(value);
    return this;
  }

  /** An embedded message field. */
  message(field: number, value: Encoded): this {
    this.push(tag(field, WIRE_LENGTH_DELIMITED));
    this.push(encodeVarint(value.length));
    for (const segment of value.segments) this.push(segment);
    return this;
  }

  finish(): Encoded {
    return { segments: [...this.segments], length: this.length };
  }
}

/** Joins an encoded message into one buffer (for small messages and tests). */
export function concatEncoded(encoded: Encoded): Uint8Array {
  const out = new Uint8Array(encoded.length);
  let offset = 0;
  for (const segment of encoded.segments) {
    out.set(segment, offset);
    offset += segment.length;
  }
  return out;
}
