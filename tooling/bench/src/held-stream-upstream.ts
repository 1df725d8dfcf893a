import { createServer, type ServerResponse } from "node:http";
import { COMPLETION_JSON, STREAM_SSE_HEAD, STREAM_SSE_TAIL, UPSTREAM_MODEL } from "./payloads.ts";
import {
  FAILING_PATH,
  TOOL_COMPLETION_JSON,
  TOOL_STREAM_SSE,
  UPSTREAM_ERROR_JSON,
} from "./soak-payloads.ts";

/**
 * Process entry: a fake OpenAI upstream whose streams stay open. A streaming request under
 * `/held/` (the held model's api_base) gets its
 * headers and first two events at once, then nothing until `POST /__release`, which finishes
 * every held stream with the rest of the sentence and [DONE]. So the harness can hold N streams
 * open through the gateway for as long as it measures, and still check every one completed
 * correctly. `GET /__held` answers `{"held": n}`. Non-streaming requests are answered at once.
 * For the soak's mix: a request with `tools` gets a tool call (whole or streamed), and anything
 * under `/failing/` a 400 in OpenAI's error envelope.
 *
 * Usage: node --import tsx src/held-stream-upstream.ts <port>
 */
const port = Number(process.argv[2] ?? 0);
const held = new Set<ServerResponse>();
const completion = Buffer.from(COMPLETION_JSON);

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/__held") {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ held: held.size }));
    return;
  }
  if (req.method !== "POST") {
    res
      .writeHead(200, { "content-type": "application/json" })
      .end(JSON.stringify({ object: "list", data: [{ id: UPSTREAM_MODEL, object: "model" }] }));
    return;
  }
  if (req.url === "/__release") {
    const released = held.size;
    for (const stream of held) stream.end(STREAM_SSE_TAIL);
    held.clear();
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ released }));
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    // Only streams sent to /held/... are held; the rest are answered whole at once (the soak's).
    if (req.url?.startsWith(FAILING_PATH)) {
      res.writeHead(400, { "content-type": "application/json" }).end(UPSTREAM_ERROR_JSON);
      return;
    }
    if (!req.url?.startsWith("/held/")) {
      const body = Buffer.concat(chunks);
      const isStream = body.includes('"stream":true');
      if (body.includes('"tools":')) {
        if (isStream)
          res
            .writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
            .end(TOOL_STREAM_SSE);
        else res.writeHead(200, { "content-type": "application/json" }).end(TOOL_COMPLETION_JSON);
        return;
      }
      if (isStream)
        res
          .writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" })
          .end(STREAM_SSE_HEAD + STREAM_SSE_TAIL);
      else
        res
          .writeHead(200, {
            "content-type": "application/json",
            "content-length": String(completion.length),
          })
          .end(completion);
      return;
    }
    if (!Buffer.concat(chunks).includes('"stream":true')) {
      res
        .writeHead(200, {
          "content-type": "application/json",
          "content-length": String(completion.length),
        })
        .end(completion);
      return;
    }
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(STREAM_SSE_HEAD);
    held.add(res);
    // A client (the gateway) that gives up must not stay counted as held.
    res.on("close", () => held.delete(res));
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
