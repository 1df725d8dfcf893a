import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatRequest, entry, readStream } from "./__fixtures__/fakes.ts";
import { Router } from "./router.ts";

/**
 * The router on @org/core's real callChat, adapters and undici transport: a fake
 * OpenAI-compatible upstream on 127.0.0.1, and LiteLLM's mock_response deployments.
 */
describe("Router on @org/core", () => {
  let connections = 0;
  let requests = 0;
  let base = "";
  const server = createServer((req, res) => {
    requests++;
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const parsed = JSON.parse(body) as { model: string; stream?: boolean };
      if (parsed.model === "broken") {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            error: { message: "upstream exploded", type: "server_error", param: null, code: null },
          }),
        );
        return;
      }
      if (parsed.stream === true) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        for (const text of ["Hel", "lo"]) {
          res.write(
            `data: ${JSON.stringify({ id: "c1", object: "chat.completion.chunk", created: 1, model: parsed.model, choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`,
          );
        }
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id: "c1",
          object: "chat.completion",
          created: 1,
          model: parsed.model,
          choices: [
            {
              index: 0,
              message: { role: "assistant", content: `hi from ${parsed.model}` },
              finish_reason: "stop",
            },
          ],
          usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
        }),
      );
    });
  });
  server.on("connection", () => connections++);

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it("calls the upstream over pooled keep-alive connections (no handshake per request)", async () => {
    const router = new Router({
      modelList: [entry("g", "openai/up-model", { api_key: "sk-test-key-123", api_base: base })],
    });
    connections = 0;
    for (let i = 0; i < 20; i++) {
      const result = await router.chatCompletion(chatRequest("g"));
      expect(result.kind === "response" && result.completion.choices[0]?.message.content).toBe(
        "hi from up-model",
      );
    }
    // undici may open a second socket while the first is being returned to the pool; after
    // that every request reuses a warm one.
    expect(connections).toBeLessThanOrEqual(2);
    const stream = await router.chatCompletion(chatRequest("g", { stream: true }));
    if (stream.kind !== "stream") throw new Error("not a stream");
    expect(await readStream(stream.parts)).toBe("Hello");
    await router.close();
  });

  it("maps an upstream 500, retries, and falls back", async () => {
    const router = new Router({
      modelList: [
        entry("bad", "openai/broken", { api_key: "sk-test-key-123", api_base: base }),
        entry("good", "openai/fine", { api_key: "sk-test-key-123", api_base: base }),
      ],
      settings: {
        num_retries: 1,
        retry_after: 0,
        fallbacks: [{ bad: ["good"] }],
        allowed_fails: 5,
      },
    });
    requests = 0;
    const result = await router.chatCompletion(chatRequest("bad"));
    expect(result.deployment.modelGroup).toBe("good");
    expect(result.attempts.map((a) => a.status)).toEqual([500, 500, undefined]);
    expect(requests).toBe(3);
    await router.close();
  });

  it("serves LiteLLM mock_response deployments and mocked failures", async () => {
    const router = new Router({
      modelList: [
        entry("limited", "openai/x", { mock_response: "litellm.RateLimitError" }),
        entry("mocked", "openai/y", { mock_response: "mocked answer" }),
      ],
      settings: { fallbacks: [{ limited: ["mocked"] }] },
    });
    const result = await router.chatCompletion(chatRequest("limited"));
    expect(result.kind === "response" && result.completion.choices[0]?.message.content).toBe(
      "mocked answer",
    );
    expect(result.attempts[0]).toMatchObject({ errorClass: "RateLimitError", status: 429 });
    // A group's only deployment is retried, not cooled down, on a 429 (LiteLLM's default rules).
    expect((await router.health()).unhealthy).toEqual([]);
    await router.close();
  });
});
