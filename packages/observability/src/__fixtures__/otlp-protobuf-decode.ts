/**
 * Reads an OTLP ExportTraceServiceRequest in protobuf back into the shape of its OTLP/JSON
 * encoding (hex ids, decimal-string times, enums as numbers), from the wire format and the
 * field numbers of opentelemetry/proto/trace/v1/trace.proto, so a test can compare the two
 * encodings of the same spans. Independent of the encoder on purpose: a generic reader of
 * tags, varints, fixed64 and length-delimited fields. Fields it does not know are an error.
 */

type Fields = Map<number, { wire: number; value: bigint | Buffer }[]>;

function readFields(buf: Buffer): Fields {
  const fields: Fields = new Map();
  let pos = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (pos >= buf.length) throw new Error("truncated varint");
      const byte = buf[pos++]!;
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
      if (shift > 63n) throw new Error("varint too long");
    }
  };
  while (pos < buf.length) {
    const tag = Number(varint());
    const field = tag >>> 3;
    const wire = tag & 7;
    let value: bigint | Buffer;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      value = buf.readBigUInt64LE(pos);
      pos += 8;
    } else if (wire === 2) {
      const length = Number(varint());
      if (pos + length > buf.length) throw new Error(`field ${field}: length past the end`);
      value = buf.subarray(pos, pos + length);
      pos += length;
    } else if (wire === 5) {
      value = BigInt(buf.readUInt32LE(pos));
      pos += 4;
    } else throw new Error(`field ${field}: wire type ${wire}`);
    const list = fields.get(field) ?? [];
    list.push({ wire, value });
    fields.set(field, list);
  }
  return fields;
}

function only(fields: Fields, known: number[]): void {
  for (const field of fields.keys()) {
    if (!known.includes(field)) throw new Error(`unexpected field ${field}`);
  }
}

const bytes = (f: Fields, n: number) => f.get(n)?.map((x) => x.value as Buffer) ?? [];
const one = (f: Fields, n: number) => {
  const list = f.get(n);
  if (list !== undefined && list.length > 1) throw new Error(`field ${n} repeated`);
  return list?.[0]?.value;
};

function anyValue(buf: Buffer): Record<string, unknown> {
  const f = readFields(buf);
  only(f, [1, 2, 3, 4, 5]);
  if (f.has(1)) return { stringValue: (one(f, 1) as Buffer).toString("utf8") };
  if (f.has(2)) return { boolValue: one(f, 2) === 1n };
  if (f.has(3)) return { intValue: Number(BigInt.asIntN(64, one(f, 3) as bigint)) };
  if (f.has(4)) {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(one(f, 4) as bigint);
    return { doubleValue: b.readDoubleLE() };
  }
  const array = readFields(one(f, 5) as Buffer);
  only(array, [1]);
  return { arrayValue: { values: bytes(array, 1).map(anyValue) } };
}

function keyValues(list: Buffer[]) {
  return list.map((kv) => {
    const f = readFields(kv);
    only(f, [1, 2]);
    return { key: (one(f, 1) as Buffer).toString("utf8"), value: anyValue(one(f, 2) as Buffer) };
  });
}

export function decodeOtlpTraces(body: Buffer) {
  const request = readFields(body);
  only(request, [1]);
  return {
    resourceSpans: bytes(request, 1).map((rsBuf) => {
      const rs = readFields(rsBuf);
      only(rs, [1, 2]);
      const resource = readFields(one(rs, 1) as Buffer);
      only(resource, [1]);
      return {
        resource: { attributes: keyValues(bytes(resource, 1)) },
        scopeSpans: bytes(rs, 2).map((ssBuf) => {
          const ss = readFields(ssBuf);
          only(ss, [1, 2]);
          const scope = readFields(one(ss, 1) as Buffer);
          return {
            scope: { name: (one(scope, 1) as Buffer).toString("utf8") },
            spans: bytes(ss, 2).map((spanBuf) => {
              const s = readFields(spanBuf);
              only(s, [1, 2, 3, 4, 5, 6, 7, 8, 9, 15]);
              const status = s.has(15) ? readFields(one(s, 15) as Buffer) : undefined;
              if (status) only(status, [2, 3]);
              return {
                traceId: (one(s, 1) as Buffer).toString("hex"),
                spanId: (one(s, 2) as Buffer).toString("hex"),
                ...(s.has(3) ? { traceState: (one(s, 3) as Buffer).toString("utf8") } : {}),
                ...(s.has(4) ? { parentSpanId: (one(s, 4) as Buffer).toString("hex") } : {}),
                name: (one(s, 5) as Buffer).toString("utf8"),
                kind: Number(one(s, 6)),
                startTimeUnixNano: String(one(s, 7)),
                endTimeUnixNano: String(one(s, 8)),
                attributes: keyValues(bytes(s, 9)),
                status: status
                  ? {
                      code: Number(one(status, 3) ?? 0n),
                      ...(status.has(2)
                        ? { message: (one(status, 2) as Buffer).toString("utf8") }
                        : {}),
                    }
                  : { code: 0 },
              };
            }),
          };
        }),
      };
    }),
  };
}
