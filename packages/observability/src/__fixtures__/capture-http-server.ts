import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

export interface CapturedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body as text (gunzipped when the sender compressed it). */
  readonly body: string;
  /** The same bytes undecoded (protobuf bodies). */
  readonly raw: Buffer;
}

export interface CaptureServer {
  readonly url: string;
  readonly port: number;
  readonly requests: CapturedRequest[];
  /** Resolves once `count` requests have arrived (tests bound it with their own timeout). */
  waitFor(count: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A receiver on 127.0.0.1 that records every request and answers with `respond` (default
 * 200 `{}`): the OTLP collector and the fake Langfuse in the tests.
 */
export async function startCaptureServer(
  respond: (request: CapturedRequest) => { status: number; body: unknown } = () => ({
    status: 200,
    body: {},
  }),
): Promise<CaptureServer> {
  const requests: CapturedRequest[] = [];
  let waiters: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      let raw = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") raw = gunzipSync(raw);
      const captured = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: raw.toString("utf8"),
        raw,
      };
      requests.push(captured);
      const answer = respond(captured);
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body));
      const ready = waiters.filter((w) => requests.length >= w.count);
      waiters = waiters.filter((w) => requests.length < w.count);
      for (const w of ready) w.resolve();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    waitFor: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bind one, note it, release it. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
