import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiChunks, routes, sse, startFakeServer, type FakeServer } from "@org/testing";
import { streamedRequest } from "../testing/partial-stream.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// HTTP/1.1 pipelining: a client sends two streamed requests on one connection, reads nothing,
// and hangs up. The second answer waits behind the first without a socket of its own, and Node
// never closes such a queued response when the connection goes: its writes filled Node's buffer
// and its wait for `drain` never ended, so it held its in-flight slot (graceful shutdown waits
// on it) and its upstream call for good. Both streams must end when the connection does.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Far more than the socket and Node's buffers take from a client that reads nothing. */
const LONG_ANSWER = Array.from({ length: 300 }, (_, i) => `w${i} ${"x".repeat(16_000)} `);

describe("pipelined streams of a client that hangs up", { timeout: 30_000 }, () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeServer(
      routes({
        "POST /v1/chat/completions": () => sse(openaiChunks({ content: LONG_ANSWER })),
      }),
    );
    const params = { api_key: "sk-upstream", api_base: `${upstream.url}/v1` };
    gateway = await startTestGateway({
      config: {
        model_list: [
          { model_name: "relayed", litellm_params: { model: "openai/gpt-4o", ...params } },
          { model_name: "reencoded", litellm_params: { model: "xai/grok-3", ...params } },
        ],
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const inFlight = () => gateway.gateway.deps.inFlight.count;

  it.each(["relayed", "reencoded"])("%s: both streams end with the connection", async (model) => {
    const { host, port, hostname } = new URL(gateway.url);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    socket.pause();
    const { path, body } = streamedRequest("chat", model, "tell me everything");
    const json = JSON.stringify(body);
    const request =
      `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${gateway.masterKey}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(json)}\r\n\r\n${json}`;
    socket.write(request + request);
    for (let i = 0; i < 100 && inFlight() < 2; i++) await sleep(20);
    expect(inFlight()).toBe(2);
    // Both answers are waiting for the client to read now.
    await sleep(500);
    socket.destroy();
    for (let i = 0; i < 100 && inFlight() !== 0; i++) await sleep(20);
    expect(inFlight()).toBe(0);
  });
});
