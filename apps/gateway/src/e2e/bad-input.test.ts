import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rawRequest, startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Every bad input gets its HTTP status and OpenAI's error envelope, and never reaches a provider.
describe("bad input", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gateway = await startTestGateway({
      config: {
        general_settings: { max_request_size_mb: 0.01 },
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-up",
              api_base: `${upstream.url}/v1`,
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

  const send = (
    body: string | undefined,
    headers: Record<string, string> = { authorization: `Bearer ${gateway.masterKey}` },
    path = "/v1/chat/completions",
    method = "POST",
  ) => rawRequest(`${gateway.url}${path}`, { method, headers, body });

  async function expectEnvelope(
    res: Awaited<ReturnType<typeof send>>,
    status: number,
    match: { type?: string; param?: string | null; code?: string | null; message?: RegExp },
  ) {
    expect(res.status).toBe(status);
    expect(res.headers["content-type"]).toContain("application/json");
    const body = JSON.parse(res.body.toString("utf8"));
    expect(Object.keys(body)).toEqual(["error"]);
    expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    expect(typeof body.error.message).toBe("string");
    if (match.type) expect(body.error.type).toBe(match.type);
    if (match.param !== undefined) expect(body.error.param).toBe(match.param);
    if (match.code !== undefined) expect(body.error.code).toBe(match.code);
    if (match.message) expect(body.error.message).toMatch(match.message);
    return body.error;
  }

  const valid = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] });

  it("malformed JSON -> 400 invalid_request_error", async () => {
    const res = await send('{"model": "gpt-4o", "messages": [');
    await expectEnvelope(res, 400, { type: "invalid_request_error", message: /not valid JSON/ });
  });

  it("empty body -> 400", async () => {
    await expectEnvelope(await send(""), 400, { type: "invalid_request_error" });
  });

  it("a JSON array body -> 400", async () => {
    await expectEnvelope(await send("[]"), 400, { type: "invalid_request_error" });
  });

  it("schema violation names the param", async () => {
    const res = await send(
      JSON.stringify({ model: "gpt-4o", messages: [{ role: "wizard", content: "hi" }] }),
    );
    await expectEnvelope(res, 400, { type: "invalid_request_error", param: "messages[0].role" });
  });

  it("out-of-range temperature names the param", async () => {
    const res = await send(
      JSON.stringify({
        model: "gpt-4o",
        temperature: 7,
        messages: [{ role: "user", content: "x" }],
      }),
    );
    await expectEnvelope(res, 400, { param: "temperature" });
  });

  it("missing messages names the param", async () => {
    await expectEnvelope(await send(JSON.stringify({ model: "gpt-4o" })), 400, {
      param: "messages",
    });
  });

  it("unknown model -> 400 naming the model, with param model", async () => {
    const res = await send(
      JSON.stringify({ model: "gpt-17", messages: [{ role: "user", content: "hi" }] }),
    );
    expect([400, 404]).toContain(res.status);
    const error = await expectEnvelope(res, res.status, { param: "model" });
    expect(error.message).toContain("gpt-17");
  });

  it("oversized body -> 413", async () => {
    const big = JSON.stringify({
      model: "gpt-4o",
      messages: [{ role: "user", content: "x".repeat(20_000) }],
    });
    await expectEnvelope(await send(big), 413, { code: "request_too_large" });
  });

  it("missing key -> 401", async () => {
    await expectEnvelope(await send(valid, {}), 401, { type: "authentication_error" });
  });

  it("invalid key -> 401", async () => {
    // LiteLLM's error type for an unknown virtual key.
    await expectEnvelope(await send(valid, { authorization: "Bearer sk-nope" }), 401, {
      type: "token_not_found_in_db",
    });
  });

  it("accepts the key as x-api-key and as api-key", async () => {
    expect((await send(valid, { "x-api-key": gateway.masterKey })).status).toBe(200);
    expect((await send(valid, { "api-key": gateway.masterKey })).status).toBe(200);
  });

  it("unknown route -> 404 envelope", async () => {
    await expectEnvelope(await send(undefined, undefined, "/v1/nope", "GET"), 404, {
      type: "not_found_error",
    });
  });

  it("none of the refused requests reached the provider", async () => {
    // Only the two accepted requests (x-api-key and api-key) were forwarded.
    expect(upstream.callCount("/v1/chat/completions")).toBe(2);
  });
});
