/**
 * The protobuf wire format, as much of it as an OTLP trace export needs: varints, fixed64,
 * doubles, UTF-8 strings, bytes from hex, and length-delimited messages. A message's length is
 * unknown until its fields are written, so `fork` leaves one byte for it and `join` moves the
 * body when the length needs more (rare: a span's attribute is short, and the few big messages
 * move once per export).
 */
/**
 * Buffer's own utf8Write and hexWrite (what `buf.write(s, offset, length, encoding)` calls
 * after checking its arguments): undocumented but on every Node the package supports; the
 * documented call is the fallback. The checks were a fifth of the encoding's time.
 */
type FastWrite = (this: Buffer, value: string, offset: number, length: number) => number;
const proto = Buffer.prototype as unknown as { utf8Write?: FastWrite; hexWrite?: FastWrite };
const utf8Write: (buf: Buffer, value: string, offset: number, length: number) => number =
  typeof proto.utf8Write === "function"
    ? (buf, value, offset, length) => proto.utf8Write!.call(buf, value, offset, length)
    : (buf, value, offset, length) => buf.write(value, offset, length, "utf8");
const hexWrite: (buf: Buffer, value: string, offset: number, length: number) => number =
  typeof proto.hexWrite === "function"
    ? (buf, value, offset, length) => proto.hexWrite!.call(buf, value, offset, length)
    : (buf, value, offset, length) => buf.write(value, offset, length, "hex");

export class ProtobufWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly starts: number[] = [];

  constructor(initialBytes = 64 * 1024) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get length(): number {
    return this.pos;
  }

  /**
   * The bytes written so far. They keep the writer's buffer (no copy: a batch is a few hundred
   * KB, and copying it cost more than writing it); the writer starts a new one of the same size,
   * uninitialised, which costs nothing to fill.
   */
  finish(): Uint8Array {
    if (this.starts.length > 0) throw new Error("protobuf writer: unclosed message");
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafeSlow(this.buf.length);
    this.pos = 0;
    return out;
  }

  reset(): void {
    this.pos = 0;
    this.starts.length = 0;
  }

  /** Where a caller can come back to (`rewind`) if what it writes next fails half way. */
  mark(): { pos: number; depth: number } {
    return { pos: this.pos, depth: this.starts.length };
  }

  rewind(mark: { pos: number; depth: number }): void {
    this.pos = mark.pos;
    this.starts.length = mark.depth;
  }

  tag(field: number, wireType: 0 | 1 | 2 | 5): void {
    this.varint((field << 3) | wireType);
  }

  /** A non-negative integer below 2^53. */
  varint(value: number): void {
    this.ensure(10);
    const buf = this.buf;
    while (value > 0x7f) {
      buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    buf[this.pos++] = value;
  }

  /** An int64 field's value: negatives take ten bytes (two's complement), as protobuf says. */
  int64(value: number): void {
    if (value >= 0) return this.varint(value);
    let v = BigInt.asUintN(64, BigInt(value));
    this.ensure(10);
    while (v > 0x7fn) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
  }

  fixed64(value: bigint): void {
    this.ensure(8);
    this.buf.writeBigUInt64LE(value, this.pos);
    this.pos += 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Length-prefixed UTF-8. */
  string(value: string): void {
    // A short string's UTF-8 is at most 3 bytes a char: under 128 bytes, so its length is one
    // byte and can be written after the string (no separate pass to measure it).
    if (value.length < 43) {
      this.ensure(1 + value.length * 3);
      const at = this.pos;
      const written = utf8Write(this.buf, value, at + 1, value.length * 3);
      this.buf[at] = written;
      this.pos = at + 1 + written;
      return;
    }
    const bytes = Buffer.byteLength(value, "utf8");
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += utf8Write(this.buf, value, this.pos, bytes);
  }

  /** Length-prefixed bytes given as hex (trace and span ids). */
  hexBytes(hex: string): void {
    const bytes = hex.length >>> 1;
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += hexWrite(this.buf, hex, this.pos, bytes);
  }

  /** Bytes already encoded (a field's tag and key written once, see otlp-protobuf-encoder). */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Opens a length-delimited message (its tag is already written). */
  fork(): void {
    this.ensure(1);
    this.starts.push(this.pos);
    this.pos += 1;
  }

  /** Closes the message `fork` opened: its length goes in front of it. */
  join(): void {
    const start = this.starts.pop();
    if (start === undefined) throw new Error("protobuf writer: join without fork");
    const length = this.pos - start - 1;
    if (length < 0x80) {
      this.buf[start] = length;
      return;
    }
    let extra = 0;
    for (let v = length >>> 7; v > 0; v >>>= 7) extra += 1;
    this.ensure(extra);
    this.buf.copyWithin(start + 1 + extra, start + 1, this.pos);
    const end = this.pos + extra;
    this.pos = start;
    this.varint(length);
    this.pos = end;
  }

  private ensure(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
