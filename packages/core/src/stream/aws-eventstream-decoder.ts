import { crc32 } from "@aws-crypto/crc32";
import { UpstreamError } from "../errors/gateway-error.ts";
import type { StreamEvent } from "../provider/adapter.ts";
import type { DecodedRead } from "./decoded-read.ts";

/**
 * Decoder for AWS `application/vnd.amazon.eventstream` bodies (Bedrock ConverseStream,
 * InvokeModelWithResponseStream). Each message is binary, all integers big-endian:
 *
 *   total_length u32 | headers_length u32 | prelude_crc u32 | headers | payload | message_crc u32
 *
 * where both CRCs are CRC-32 (IEEE) over everything before them. A frame may be split across
 * reads, and one read may carry several frames, so bytes are buffered until `total_length`
 * are in. A CRC mismatch or a frame cut off at the end of the body is an error: silently
 * skipping a damaged frame could drop text or a tool-call fragment from the answer.
 *
 * Each complete frame becomes one `StreamEvent`:
 * - `:message-type` `event`: `event` is `:event-type` (`contentBlockDelta`, ...);
 * - `:message-type` `exception`: `event` is `:exception-type` (`throttlingException`, ...);
 * - `:message-type` `error` (a protocol-level error with no payload): `event` is `"error"` and
 *   `data` is `{"code": <:error-code>, "message": <:error-message>}` as JSON.
 * `data` is the payload decoded as UTF-8 (JSON for Bedrock); reading it is the adapter's job.
 */
export async function* decodeAwsEventStream(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<DecodedRead> {
  // Unparsed bytes, kept as the reads that brought them and joined only once enough are in
  // for the next frame: a large frame arriving in many small reads is copied once, not once
  // per read.
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let needed = PRELUDE_BYTES;

  for await (const raw of source) {
    if (raw.byteLength > 0) {
      pending.push(raw);
      pendingBytes += raw.byteLength;
    }
    if (pendingBytes < needed) {
      yield { events: [], raw };
      continue;
    }
    const buffer =
      pending.length === 1 ? (pending[0] as Uint8Array) : concat(pending, pendingBytes);
    const events: StreamEvent[] = [];
    let offset = 0;
    for (;;) {
      const available = buffer.byteLength - offset;
      if (available < PRELUDE_BYTES) {
        needed = PRELUDE_BYTES;
        break;
      }
      const frameLength = readPrelude(buffer, offset);
      if (available < frameLength) {
        needed = frameLength;
        break;
      }
      events.push(decodeFrame(buffer.subarray(offset, offset + frameLength)));
      offset += frameLength;
    }
    // `slice` copies the unfinished tail so the consumed reads can be freed.
    const rest = buffer.byteLength - offset;
    pending = rest === 0 ? [] : [buffer.slice(offset)];
    pendingBytes = rest;
    yield { events, raw };
  }

  if (pendingBytes > 0) {
    throw new UpstreamError(
      `AWS event stream ended in the middle of a message (${pendingBytes} bytes left over)`,
      { code: "stream_truncated" },
    );
  }
}

/** Messages above this are a broken upstream, not a big answer (the AWS limit is 16 MiB). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const PRELUDE_BYTES = 12;
const MIN_MESSAGE_BYTES = PRELUDE_BYTES + 4;

/**
 * Validates the prelude of the frame at `offset` and returns its total length. It is checked
 * as soon as its 12 bytes are in, so a corrupt length cannot make the decoder wait for (and
 * buffer) megabytes that will never come.
 */
function readPrelude(buffer: Uint8Array, offset: number): number {
  const view = new DataView(buffer.buffer, buffer.byteOffset + offset, PRELUDE_BYTES);
  const totalLength = view.getUint32(0);
  const headersLength = view.getUint32(4);
  const preludeCrc = view.getUint32(8);
  if (crc32(buffer.subarray(offset, offset + 8)) !== preludeCrc) {
    throw streamError("prelude CRC mismatch");
  }
  if (totalLength < MIN_MESSAGE_BYTES || totalLength > MAX_MESSAGE_BYTES) {
    throw streamError(`invalid message length ${totalLength}`);
  }
  if (headersLength > totalLength - MIN_MESSAGE_BYTES) {
    throw streamError(`headers length ${headersLength} exceeds message length ${totalLength}`);
  }
  return totalLength;
}

function decodeFrame(frame: Uint8Array): StreamEvent {
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const totalLength = frame.byteLength;
  const headersLength = view.getUint32(4);
  const messageCrc = view.getUint32(totalLength - 4);
  if (crc32(frame.subarray(0, totalLength - 4)) !== messageCrc) {
    throw streamError("message CRC mismatch");
  }
  const headers = decodeHeaders(frame.subarray(PRELUDE_BYTES, PRELUDE_BYTES + headersLength));
  const payload = UTF8.decode(frame.subarray(PRELUDE_BYTES + headersLength, totalLength - 4));

  const messageType = stringHeader(headers, ":message-type") ?? "event";
  if (messageType === "exception") {
    return { event: stringHeader(headers, ":exception-type") ?? "exception", data: payload };
  }
  if (messageType === "error") {
    const data = JSON.stringify({
      code: stringHeader(headers, ":error-code") ?? "UnknownError",
      message: stringHeader(headers, ":error-message") ?? "",
    });
    return { event: "error", data };
  }
  const eventType = stringHeader(headers, ":event-type");
  return eventType === undefined ? { data: payload } : { event: eventType, data: payload };
}

type HeaderValue = string | number | bigint | boolean | Uint8Array | Date;

const UTF8 = new TextDecoder("utf-8");

/**
 * Header values are typed; Bedrock only sends strings (type 7), but every type is parsed so an
 * unexpected header cannot desynchronise the ones after it.
 */
function decodeHeaders(bytes: Uint8Array): Map<string, HeaderValue> {
  const headers = new Map<string, HeaderValue>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  const need = (count: number) => {
    if (offset + count > bytes.byteLength) throw streamError("truncated header");
  };
  while (offset < bytes.byteLength) {
    need(1);
    const nameLength = view.getUint8(offset);
    offset += 1;
    need(nameLength + 1);
    const name = UTF8.decode(bytes.subarray(offset, offset + nameLength));
    offset += nameLength;
    const type = view.getUint8(offset);
    offset += 1;
    let value: HeaderValue;
    switch (type) {
      case 0:
      case 1:
        value = type === 0;
        break;
      case 2:
        need(1);
        value = view.getInt8(offset);
        offset += 1;
        break;
      case 3:
        need(2);
        value = view.getInt16(offset);
        offset += 2;
        break;
      case 4:
        need(4);
        value = view.getInt32(offset);
        offset += 4;
        break;
      case 5:
        need(8);
        value = view.getBigInt64(offset);
        offset += 8;
        break;
      case 6:
      case 7: {
        need(2);
        const length = view.getUint16(offset);
        offset += 2;
        need(length);
        const slice = bytes.subarray(offset, offset + length);
        value = type === 7 ? UTF8.decode(slice) : slice;
        offset += length;
        break;
      }
      case 8:
        need(8);
        value = new Date(Number(view.getBigInt64(offset)));
        offset += 8;
        break;
      case 9:
        need(16);
        value = bytes.subarray(offset, offset + 16);
        offset += 16;
        break;
      default:
        throw streamError(`unknown header value type ${type}`);
    }
    headers.set(name, value);
  }
  return headers;
}

function stringHeader(headers: Map<string, HeaderValue>, name: string): string | undefined {
  const value = headers.get(name);
  return typeof value === "string" ? value : undefined;
}

function concat(parts: readonly Uint8Array[], byteLength: number): Uint8Array {
  const out = new Uint8Array(byteLength);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

function streamError(detail: string): UpstreamError {
  return new UpstreamError(`Malformed AWS event stream: ${detail}`, { code: "stream_corrupted" });
}
