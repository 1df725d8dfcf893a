import { request, type Agent, type IncomingHttpHeaders } from "node:http";

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Objects are sent as JSON with `content-type: application/json`. */
  body?: string | Uint8Array | object;
  /** Defaults to `false`: a fresh connection per request, so nothing lingers after a test. */
  agent?: Agent | false;
  /** Aborts the request (destroys the socket) when it fires. */
  signal?: AbortSignal;
}

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body exactly as received (transfer encoding removed). */
  body: Buffer;
  /** One entry per `data` event, to see how the body was split on the way. */
  reads: Buffer[];
  /** Set when the body was cut short (socket closed or reset mid-body, or `signal` fired). */
  error?: Error;
  text(): string;
}

/**
 * A bare node:http client for tests of fakes and of byte-exact relaying: no decoding, no retries.
 * Rejects only when no response head arrives (connection refused or reset, aborted early).
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { ...options.headers };
  let payload: string | Uint8Array | undefined;
  if (options.body instanceof Uint8Array || typeof options.body === "string") {
    payload = options.body;
  } else if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: options.method ?? (payload === undefined ? "GET" : "POST"),
        headers,
        agent: options.agent ?? false,
        ...(options.signal ? { signal: options.signal } : {}),
      },
      (res) => {
        const reads: Buffer[] = [];
        const finish = (error?: Error) => {
          const body = Buffer.concat(reads);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body,
            reads,
            ...(error ? { error } : {}),
            text: () => body.toString("utf8"),
          });
        };
        res.on("data", (chunk: Buffer) => reads.push(chunk));
        res.on("end", () => finish());
        res.on("error", (error) => finish(error));
        // An abort after the head arrived surfaces as 'aborted' + 'close' without 'end' on some
        // Node versions; treat it as a cut body too.
        res.on("close", () => {
          if (!res.complete) finish(new Error("response closed before the body completed"));
        });
      },
    );
    req.on("error", reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}
