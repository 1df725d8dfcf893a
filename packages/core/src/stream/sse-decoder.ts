import { createParser } from "eventsource-parser";
import { UpstreamError } from "../errors/gateway-error.ts";
import type { StreamEvent } from "../provider/adapter.ts";
import { NO_BYTES, type DecodedRead } from "./decoded-read.ts";

/**
 * A line or event larger than this is a broken or hostile upstream, not a big answer: even a
 * 1 MB tool-call argument stays far below it. Without a cap one endless line eats the heap.
 */
const MAX_BUFFERED_CHARS = 32 * 1024 * 1024;

/**
 * Decodes a `text/event-stream` body into events, one yield per upstream read.
 *
 * eventsource-parser implements the WHATWG grammar: CRLF/CR/LF line ends, `:` comments,
 * `data:` with or without the space, multi-line `data:` joined with `\n`, and lines split
 * across feeds. Bytes go through one streaming TextDecoder so a multi-byte UTF-8 character
 * split between two reads is decoded whole.
 */
export async function* decodeSse(source: AsyncIterable<Uint8Array>): AsyncGenerator<DecodedRead> {
  let events: StreamEvent[] = [];
  let overflow = false;
  const parser = createParser({
    onEvent(message) {
      events.push(
        message.event === undefined
          ? { data: message.data }
          : { event: message.event, data: message.data },
      );
    },
    onError(error) {
      // Unknown fields and bad `retry:` values are ignored, as browsers do; only the size cap
      // is fatal.
      if (error.type === "max-buffer-size-exceeded") overflow = true;
    },
    maxBufferSize: MAX_BUFFERED_CHARS,
  });
  const decoder = new TextDecoder("utf-8");

  for await (const raw of source) {
    parser.feed(decoder.decode(raw, { stream: true }));
    if (overflow) throw new UpstreamError("Upstream stream event exceeds the size limit");
    const completed = events;
    events = [];
    yield { events: completed, raw };
  }

  // End of stream: flush the decoder (a dangling partial character becomes U+FFFD) and close
  // a final event that had no blank line after it. Two newlines end the pending line and the
  // pending event; when the stream already ended cleanly they dispatch nothing.
  parser.feed(decoder.decode() + "\n\n");
  if (events.length > 0) yield { events, raw: NO_BYTES };
}
