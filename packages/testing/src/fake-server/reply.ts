import type { EndWith, FakeReply, SplitWrites } from "./fake-response.ts";
import { splitWrites } from "./split-writes.ts";

/** Options shared by every response builder. */
export interface ReplyOptions {
  /** Defaults to 200. */
  status?: number;
  /** Merged over the builder's defaults; names are matched case-insensitively. */
  headers?: Readonly<Record<string, string | readonly string[]>>;
  /** Overrides the builder's default `content-type`. */
  contentType?: string;
  /** Wait between body writes. */
  delayMs?: number;
  /** Wait after the headers, before the first body write. */
  firstByteDelayMs?: number;
  splitWrites?: SplitWrites;
  /** Defaults to `"close"` (a normal end). */
  endWith?: EndWith;
}

export interface ReplyDefaults {
  contentType: string;
  /** Announce the body length (a plain response) instead of streaming it chunked. */
  contentLength: boolean;
  splitWrites: SplitWrites;
}

/** The general builder behind `json`, `rawBody`, `sse`, `ndjson` and `binaryStream`. */
export function reply(
  events: readonly (string | Uint8Array)[],
  options: ReplyOptions,
  defaults: ReplyDefaults,
): FakeReply {
  const bytes = events.map((event) =>
    typeof event === "string" ? Buffer.from(event, "utf8") : event,
  );
  const headers: Record<string, string | readonly string[]> = {
    "content-type": options.contentType ?? defaults.contentType,
  };
  if (defaults.contentLength) {
    headers["content-length"] = String(bytes.reduce((sum, part) => sum + part.byteLength, 0));
  }
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    headers[name.toLowerCase()] = value;
  }
  return {
    kind: "reply",
    status: options.status ?? 200,
    headers,
    writes: splitWrites(bytes, options.splitWrites ?? defaults.splitWrites),
    firstByteDelayMs: options.firstByteDelayMs ?? 0,
    delayMs: options.delayMs ?? 0,
    endWith: options.endWith ?? "close",
  };
}
