import type { IncomingHttpHeaders } from "node:http";

/** One request as the fake received it, kept so tests can assert on what the gateway sent. */
export interface RecordedRequest {
  readonly method: string;
  /** Path including the query string, exactly as on the request line. */
  readonly path: string;
  /** `path` without the query string, for routing. */
  readonly pathname: string;
  /** Header names are lower-case; repeated headers are joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body decoded as UTF-8 ("" when there was none). */
  readonly body: string;
  /** `body` parsed as JSON, or `undefined` when it is empty or not JSON. */
  readonly json: unknown;
  /** `Date.now()` when the request arrived. */
  readonly timestamp: number;
  /**
   * True once the client closed the connection before the response finished. Set later than
   * the rest (the close arrives asynchronously): wait for it with `fake.waitFor`.
   */
  aborted: boolean;
}

export function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** Clients do not always send `content-type`, so any body that parses counts as JSON. */
export function parseJsonBody(body: string): unknown {
  if (body.trim() === "") return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}
