import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  openaiChunks,
  openaiCompletion,
  rawRequest,
  rawBody,
  sse,
  startFakeOpenAI,
  type FakeServer,
} from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The OpenAI provider needs no translation: requests are forwarded with every field, and
// answers are relayed byte for byte.
describe("OpenAI passthrough", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o-2024-08-06",
              api_key: "sk-upstream",
              api_base: `${upstream.url}/v1`,
              extra_headers: { "x-team-header": "blue" },
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const post = (body: unknown) =>
    rawRequest(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("forwards the body with unknown fields and the upstream key, never the client's key", async () => {
    const body = {
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.3,
      seed: 7,
      some_future_field: { nested: [1, 2, 3] },
      logit_bias: { "50256": -100 },
    };
    const res = await post(body);
    expect(res.status).toBe(200);
    // Which deployment answered, and what the gateway itself cost, as LiteLLM reports them.
    expect(res.headers["x-litellm-model-group"]).toBe("gpt-4o");
    expect(res.headers["x-litellm-model-id"]).toBeTruthy();
    const overhead = Number(res.headers["x-litellm-overhead-duration-ms"]);
    expect(Number.isFinite(overhead) && overhead >= 0).toBe(true);
    const seen = upstream.requests.at(-1)!;
    expect(seen.pathname).toBe("/v1/chat/completions");
    expect(seen.headers["authorization"]).toBe("Bearer sk-upstream");
    expect(seen.headers["x-team-header"]).toBe("blue");
    expect(seen.headers["content-type"]).toContain("application/json");
    expect(seen.json).toEqual({ ...body, model: "gpt-4o-2024-08-06" });
    expect(JSON.stringify(seen.headers)).not.toContain(gateway.masterKey);
  });

  it("relays a non-streamed body byte for byte", async () => {
    // Odd spacing and non-ASCII text: any re-serialisation would change these bytes.
    const upstreamBody =
      JSON.stringify(
        openaiCompletion({ content: "exact \u00e9\u00e8 bytes", model: "gpt-4o-2024-08-06" }),
        null,
        1,
      ) + "\n";
    upstream.enqueue(rawBody(upstreamBody, { contentType: "application/json" }));
    const res = await post({ model: "gpt-4o", messages: [{ role: "user", content: "x" }] });
    expect(res.status).toBe(200);
    expect(res.body.toString("utf8")).toBe(upstreamBody);
  });

  it("relays an SSE stream byte for byte when the client asked for usage", async () => {
    const events = openaiChunks({
      content: ["Hel", "lo ", "wörld 🙂"],
      includeUsage: true,
      model: "gpt-4o-2024-08-06",
    });
    const expected = Buffer.concat(sse(events).writes);
    upstream.enqueue(sse(events, { splitWrites: 7 }));
    const res = await post({
      model: "gpt-4o",
      messages: [{ role: "user", content: "x" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("text/event-stream");
    expect(res.body.equals(expected)).toBe(true);
    const text = res.body.toString("utf8");
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
  });
});
