import type { FakeReply } from "./fake-response.ts";
import { reply, type ReplyOptions } from "./reply.ts";

/**
 * A newline-delimited JSON stream (Ollama `/api/chat`). Objects are serialized one per line;
 * strings are raw lines, sent verbatim (a `\n` is added when missing) so tests can send
 * malformed or partial lines.
 */
export function ndjson(lines: readonly unknown[], options: ReplyOptions = {}): FakeReply {
  const text = lines.map((line) => {
    if (typeof line !== "string") return `${JSON.stringify(line)}\n`;
    return line.endsWith("\n") ? line : `${line}\n`;
  });
  return reply(text, options, {
    contentType: "application/x-ndjson",
    contentLength: false,
    splitWrites: "per-event",
  });
}
