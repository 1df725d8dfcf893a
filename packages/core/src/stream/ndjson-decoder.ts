import type { StreamEvent } from "../provider/adapter.ts";
import { NO_BYTES, type DecodedRead } from "./decoded-read.ts";

/**
 * Decodes a newline-delimited JSON body (Ollama's native API): each non-blank line is one
 * event whose `data` is the line. A trailing `\r` is dropped so CRLF servers work too.
 * The JSON itself is left to the adapter, which knows what a line means.
 */
export async function* decodeNdjson(
  source: AsyncIterable<Uint8Array>,
): AsyncGenerator<DecodedRead> {
  const decoder = new TextDecoder("utf-8");
  // Text of the current, unterminated line, kept as fragments so a long line split over many
  // reads is joined once instead of re-concatenated on every read.
  const pending: string[] = [];

  for await (const raw of source) {
    yield { events: takeLines(decoder.decode(raw, { stream: true }), pending), raw };
  }

  const rest = pending.join("") + decoder.decode();
  const last = toEvent(rest);
  if (last !== undefined) yield { events: [last], raw: NO_BYTES };
}

function takeLines(text: string, pending: string[]): StreamEvent[] {
  const events: StreamEvent[] = [];
  let start = 0;
  let newline = text.indexOf("\n");
  if (newline === -1) {
    if (text !== "") pending.push(text);
    return events;
  }
  while (newline !== -1) {
    let line = text.slice(start, newline);
    if (pending.length > 0) {
      pending.push(line);
      line = pending.join("");
      pending.length = 0;
    }
    const event = toEvent(line);
    if (event !== undefined) events.push(event);
    start = newline + 1;
    newline = text.indexOf("\n", start);
  }
  if (start < text.length) pending.push(text.slice(start));
  return events;
}

function toEvent(line: string): StreamEvent | undefined {
  const data = line.endsWith("\r") ? line.slice(0, -1) : line;
  return data.trim() === "" ? undefined : { data };
}
