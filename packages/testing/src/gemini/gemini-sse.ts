import type { FakeReply } from "../fake-server/fake-response.ts";
import { reply, type ReplyOptions } from "../fake-server/reply.ts";
import { googleErrorBody, type GoogleErrorFields } from "./google-error.ts";

/**
 * `streamGenerateContent?alt=sse` framing: `data: <json>\r\n\r\n` per event (Google's front end
 * ends lines with CRLF), no `event:` lines, no `[DONE]`; the connection just closes. Objects are
 * serialised on one line; strings are sent verbatim (for malformed or hand-framed events).
 */
export function geminiSse(
  events: readonly (object | string)[],
  options: ReplyOptions = {},
): FakeReply {
  return reply(
    events.map((event) =>
      typeof event === "string" ? event : `data: ${JSON.stringify(event)}\r\n\r\n`,
    ),
    options,
    { contentType: "text/event-stream", contentLength: false, splitWrites: "per-event" },
  );
}

/**
 * `streamGenerateContent` without `alt=sse`: one JSON array sent piece by piece
 * (`[{...}\r\n,{...}\r\n]`), which is what a client forgetting `alt=sse` receives.
 */
export function geminiJsonArrayStream(
  events: readonly object[],
  options: ReplyOptions = {},
): FakeReply {
  const pieces = events.map(
    (event, i) => `${i === 0 ? "[" : ","}${JSON.stringify(event, null, 2)}\r\n`,
  );
  pieces.push("]");
  return reply(pieces, options, {
    contentType: "application/json; charset=UTF-8",
    contentLength: false,
    splitWrites: "per-event",
  });
}

/** The payload of an error that arrives mid-stream, after HTTP 200: `data: {"error": {...}}`. */
export function geminiStreamError(code: number, fields: GoogleErrorFields): object {
  return googleErrorBody(code, fields);
}
