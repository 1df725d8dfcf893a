import type { FakeReply } from "./fake-response.ts";
import { reply, type ReplyOptions } from "./reply.ts";

/** A JSON response with `content-length`, sent in one write unless `splitWrites` says otherwise. */
export function json(body: unknown, options: ReplyOptions = {}): FakeReply {
  return reply([JSON.stringify(body)], options, {
    contentType: "application/json",
    contentLength: true,
    splitWrites: "per-event",
  });
}
