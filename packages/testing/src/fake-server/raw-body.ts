import type { FakeReply } from "./fake-response.ts";
import { reply, type ReplyOptions } from "./reply.ts";

/**
 * Exactly these bytes with `content-length` (malformed JSON, HTML error pages from proxies,
 * truncated bodies with `endWith: "destroy"`...).
 */
export function rawBody(body: string | Uint8Array, options: ReplyOptions = {}): FakeReply {
  return reply([body], options, {
    contentType: "text/plain; charset=utf-8",
    contentLength: true,
    splitWrites: "per-event",
  });
}
