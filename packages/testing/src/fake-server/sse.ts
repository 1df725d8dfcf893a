import type { FakeReply } from "./fake-response.ts";
import { reply, type ReplyOptions } from "./reply.ts";
import { toSseEventText } from "./sse-event.ts";

/**
 * A `text/event-stream` response. Each item is either a data payload (framed as
 * `data: <payload>\n\n`) or, when it already ends with a blank line, full event text sent as is.
 * The body is exactly the concatenation of the framed events, so a test can compare the bytes a
 * gateway relays.
 */
export function sse(events: readonly string[], options: ReplyOptions = {}): FakeReply {
  return reply(events.map(toSseEventText), options, {
    contentType: "text/event-stream",
    contentLength: false,
    splitWrites: "per-event",
  });
}
