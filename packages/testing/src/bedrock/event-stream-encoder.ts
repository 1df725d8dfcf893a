import { crc32 } from "@aws-crypto/crc32";

/**
 * Encodes one `application/vnd.amazon.eventstream` message, all integers big-endian:
 *
 *   total_length u32 | headers_length u32 | prelude_crc u32 | headers | payload | message_crc u32
 *
 * Headers are written as strings (value type 7: u16 length + UTF-8), the only type Bedrock
 * sends; the CRCs are CRC-32 (IEEE) of everything before them. Header order is kept.
 */
export function encodeEventStreamMessage(
  headers: Readonly<Record<string, string>>,
  payload: string | Uint8Array,
): Uint8Array {
  const headerBytes = encodeHeaders(headers);
  const body = typeof payload === "string" ? UTF8.encode(payload) : payload;
  const totalLength = 12 + headerBytes.byteLength + body.byteLength + 4;
  const frame = new Uint8Array(totalLength);
  const view = new DataView(frame.buffer);
  view.setUint32(0, totalLength);
  view.setUint32(4, headerBytes.byteLength);
  view.setUint32(8, crc32(frame.subarray(0, 8)));
  frame.set(headerBytes, 12);
  frame.set(body, 12 + headerBytes.byteLength);
  view.setUint32(totalLength - 4, crc32(frame.subarray(0, totalLength - 4)));
  return frame;
}

/** A ConverseStream event frame: `:event-type`, `:content-type`, `:message-type` = event. */
export function encodeBedrockEvent(eventType: string, payload: unknown): Uint8Array {
  return encodeEventStreamMessage(
    { ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" },
    JSON.stringify(payload),
  );
}

/**
 * An exception frame (`:message-type` exception, `:exception-type` throttlingException, ...)
 * with Bedrock's `{"message": ...}` payload.
 */
export function encodeBedrockException(
  exceptionType: string,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
): Uint8Array {
  return encodeEventStreamMessage(
    {
      ":exception-type": exceptionType,
      ":content-type": "application/json",
      ":message-type": "exception",
    },
    JSON.stringify({ message, ...extra }),
  );
}

const UTF8 = new TextEncoder();

function encodeHeaders(headers: Readonly<Record<string, string>>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(headers)) {
    const nameBytes = UTF8.encode(name);
    const valueBytes = UTF8.encode(value);
    if (nameBytes.byteLength > 255) throw new RangeError(`header name too long: ${name}`);
    if (valueBytes.byteLength > 65535) throw new RangeError(`header value too long: ${name}`);
    const part = new Uint8Array(1 + nameBytes.byteLength + 1 + 2 + valueBytes.byteLength);
    const view = new DataView(part.buffer);
    part[0] = nameBytes.byteLength;
    part.set(nameBytes, 1);
    part[1 + nameBytes.byteLength] = 7;
    view.setUint16(2 + nameBytes.byteLength, valueBytes.byteLength);
    part.set(valueBytes, 4 + nameBytes.byteLength);
    parts.push(part);
  }
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}
