import { createServer } from "node:http";
import { ANTHROPIC_MESSAGE_JSON, ANTHROPIC_STREAM_SSE } from "./anthropic-payloads.ts";
import { COMPLETION_JSON, STREAM_SSE, UPSTREAM_MODEL } from "./payloads.ts";

/**
 * Process entry: an instant fake OpenAI upstream for load. Deliberately lean (no recording, no
 * scripting, unlike @org/testing's fakes): it answers every POST with the same precomputed bytes,
 * so the upstream costs as little CPU as possible and never becomes the bottleneck. POST
 * /v1/messages is Anthropic's Messages API (the translation target's upstream): a precomputed
 * Anthropic message, or its SSE stream, carrying the same sentence.
 *
 * Usage: node --import tsx src/fake-upstream.ts <port>
 */
const port = Number(process.argv[2] ?? 0);

const completion = Buffer.from(COMPLETION_JSON);
const stream = Buffer.from(STREAM_SSE);
const completionHeaders = {
  "content-type": "application/json",
  "content-length": String(completion.length),
};
const streamHeaders = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "content-length": String(stream.length),
};
const anthropicMessage = Buffer.from(ANTHROPIC_MESSAGE_JSON);
const anthropicStream = Buffer.from(ANTHROPIC_STREAM_SSE);
const anthropicMessageHeaders = {
  "content-type": "application/json",
  "content-length": String(anthropicMessage.length),
};
const anthropicStreamHeaders = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "content-length": String(anthropicStream.length),
};
const modelsBody = JSON.stringify({
  object: "list",
  data: [{ id: UPSTREAM_MODEL, object: "model" }],
});

const server = createServer((req, res) => {
  if (req.method !== "POST") {
    res.writeHead(200, { "content-type": "application/json" }).end(modelsBody);
    return;
  }
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    // A substring test instead of JSON.parse keeps the fake cheap; every client under test
    // serialises with JSON.stringify, which writes `"stream":true` without spaces.
    const isStream = Buffer.concat(chunks).includes('"stream":true');
    if (req.url?.startsWith("/v1/messages")) {
      if (isStream) res.writeHead(200, anthropicStreamHeaders).end(anthropicStream);
      else res.writeHead(200, anthropicMessageHeaders).end(anthropicMessage);
    } else if (isStream) res.writeHead(200, streamHeaders).end(stream);
    else res.writeHead(200, completionHeaders).end(completion);
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
