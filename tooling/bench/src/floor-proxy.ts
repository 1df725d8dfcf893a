import { createServer } from "node:http";
import { Pool } from "undici";

/**
 * Process entry: the floor. The least a Node proxy can do on this path: bare `node:http`, one
 * `undici.Pool` to the upstream, the JSON body parsed and re-serialised both ways (a gateway must
 * at least read the model and rewrite the body). Anything the gateway spends above this is the
 * price of Hono, auth, routing, translation and bookkeeping.
 *
 * Usage: node --import tsx src/floor-proxy.ts <port> <upstream origin>
 */
const port = Number(process.argv[2] ?? 0);
const upstream = process.argv[3];
if (!upstream) throw new Error("usage: floor-proxy <port> <upstream origin>");

// Connections open as needed: enough for the scale bench's 1,000 concurrent streams (a stream
// holds its connection), which 128 made queue behind each other.
const pool = new Pool(upstream, { connections: 2048, pipelining: 1, keepAliveTimeout: 60_000 });

function fail(res: import("node:http").ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ error: { message, type: "proxy_error", param: null, code: null } });
  res.writeHead(status, { "content-type": "application/json" }).end(body);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    void (async () => {
      let request: { model?: unknown; stream?: unknown };
      try {
        request = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof request;
      } catch {
        fail(res, 400, "invalid JSON");
        return;
      }
      request.model = "gpt-4o-mini";
      const upstreamResponse = await pool.request({
        path: "/v1/chat/completions",
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer sk-fake" },
        body: JSON.stringify(request),
      });
      if (request.stream === true) {
        // Streams pass through chunk by chunk: the first upstream byte leaves at once.
        res.writeHead(upstreamResponse.statusCode, {
          "content-type": "text/event-stream",
          "cache-control": "no-cache",
        });
        for await (const chunk of upstreamResponse.body) res.write(chunk);
        res.end();
        return;
      }
      const parsed: unknown = JSON.parse(await upstreamResponse.body.text());
      res
        .writeHead(upstreamResponse.statusCode, { "content-type": "application/json" })
        .end(JSON.stringify(parsed));
    })().catch((error: unknown) => fail(res, 502, (error as Error).message));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(
    `listening ${typeof address === "object" && address ? address.port : port}\n`,
  );
});
process.on("SIGTERM", () => process.exit(0));
process.on("SIGINT", () => process.exit(0));
