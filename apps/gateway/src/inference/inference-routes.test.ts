import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hono } from "hono";
import { createApp } from "../app.ts";
import { defaultConfig } from "../config/index.ts";
import type { GatewayEnv } from "../gateway-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { COUNT_TOKENS_PATHS, INFERENCE_ROUTES } from "./inference-routes.ts";

// The route table, path by path, through the app itself (`app.request`, no socket): every path
// answers in its format, with the same headers, the same end of stream and the same error
// envelope, whether the error comes from the route (bad body) or before it (no key, too large).

/** A minimal valid body per format, and what its answer and stream look like. */
const FORMATS: Record<
  string,
  { body: Record<string, unknown>; object: (body: Record<string, unknown>) => unknown; end: RegExp }
> = {
  "chat.completions": {
    body: { model: "mock", messages: [{ role: "user", content: "hi" }] },
    object: (body) => body.object,
    end: /data: \[DONE\]\n\n$/,
  },
  responses: {
    body: { model: "mock", input: "hi" },
    object: (body) => body.object,
    end: /event: response\.completed\n/,
  },
  completions: {
    body: { model: "mock", prompt: "hi" },
    object: (body) => body.object,
    end: /data: \[DONE\]\n\n$/,
  },
  messages: {
    body: { model: "mock", max_tokens: 20, messages: [{ role: "user", content: "hi" }] },
    object: (body) => body.type,
    end: /event: message_stop\n/,
  },
};
const OBJECT: Record<string, string> = {
  "chat.completions": "chat.completion",
  responses: "response",
  completions: "text_completion",
  messages: "message",
};

const PATHS = INFERENCE_ROUTES.flatMap((route) =>
  route.paths.map((path) => ({
    format: route.format.name,
    path: path.replace(":deployment", "mock"),
  })),
);

/** Anthropic's envelope on the Messages paths, OpenAI's everywhere else. */
function expectEnvelope(format: string, body: Record<string, unknown>, type: string) {
  if (format === "messages") {
    expect(body).toMatchObject({ type: "error", error: { type } });
  } else {
    expect(body).toMatchObject({ error: { type, message: expect.any(String) } });
    expect(body).toHaveProperty("error.code");
  }
}

describe("inference route table", () => {
  let gateway: TestGateway;
  let app: Hono<GatewayEnv>;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    app.request(path, {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.masterKey}`,
        "content-type": "application/json",
        ...headers,
      },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  beforeAll(async () => {
    gateway = await startTestGateway({
      config: { ...defaultConfig(), general_settings: { max_request_size_mb: 0.01 } },
    });
    app = createApp(gateway.gateway.deps);
  });
  afterAll(() => gateway?.close());

  it("lists every format once, with its paths", () => {
    expect(INFERENCE_ROUTES.map((route) => route.format.name).sort()).toEqual(
      Object.keys(FORMATS).sort(),
    );
    const all = INFERENCE_ROUTES.flatMap((route) => route.paths);
    expect(new Set(all).size).toBe(all.length);
  });

  it.each(PATHS)("$path answers whole in its format with the shared headers", async (c) => {
    const res = await post(c.path, FORMATS[c.format]!.body);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get("x-litellm-call-id")).toBeTruthy();
    expect(Number(res.headers.get("x-litellm-overhead-duration-ms"))).toBeGreaterThanOrEqual(0);
    expect(res.headers.get("x-litellm-model-group")).toBe("mock");
    expect(res.headers.get("x-litellm-model-id")).toBe("mock");
    expect(res.headers.get("x-litellm-attempted-retries")).toBe("0");
    const body = (await res.json()) as Record<string, unknown>;
    expect(FORMATS[c.format]!.object(body)).toBe(OBJECT[c.format]);
  });

  it.each(PATHS)("$path streams in its format and ends with its end marker", async (c) => {
    const res = await post(c.path, { ...FORMATS[c.format]!.body, stream: true });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("x-litellm-call-id")).toBeTruthy();
    expect(res.headers.get("x-litellm-overhead-duration-ms")).toBeTruthy();
    expect(res.headers.get("x-litellm-model-group")).toBe("mock");
    const text = await res.text();
    expect(text).toMatch(FORMATS[c.format]!.end);
  });

  it.each(PATHS)("$path refuses a bad body with a 400 in its envelope", async (c) => {
    const res = await post(c.path, { model: "mock", messages: "not a list", input: 5, prompt: {} });
    expect(res.status).toBe(400);
    expectEnvelope(
      c.format,
      (await res.json()) as Record<string, unknown>,
      "invalid_request_error",
    );
  });

  it.each(PATHS)("$path refuses a missing key (before the route) in its envelope", async (c) => {
    const res = await post(c.path, FORMATS[c.format]!.body, { authorization: "" });
    expect(res.status).toBe(401);
    expectEnvelope(c.format, (await res.json()) as Record<string, unknown>, "authentication_error");
  });

  it.each(PATHS)("$path refuses a body over the size limit in its envelope", async (c) => {
    const res = await post(c.path, { ...FORMATS[c.format]!.body, pad: "x".repeat(20_000) });
    expect(res.status).toBe(413);
    const body = (await res.json()) as Record<string, unknown>;
    if (c.format === "messages") expect(body).toMatchObject({ type: "error" });
    else expect(body).toHaveProperty("error.message");
  });

  it.each(PATHS)("$path answers an unknown model in its envelope", async (c) => {
    if (c.path.includes("/deployments/")) return; // the model is the path's
    const res = await post(c.path, { ...FORMATS[c.format]!.body, model: "no-such-model" });
    expect(res.status).toBe(400);
    const body = (await res.json()) as Record<string, unknown>;
    if (c.format === "messages") expect(body).toMatchObject({ type: "error" });
    else expect(body).toHaveProperty("error.message");
    expect(JSON.stringify(body)).toContain("no-such-model");
  });

  it("takes the model from an Azure-style deployment path", async () => {
    const res = await post("/openai/deployments/no-such-deployment/chat/completions", {
      model: "mock",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(JSON.stringify(await res.json())).toContain("no-such-deployment");
  });

  it.each(COUNT_TOKENS_PATHS)("%s answers and refuses in Anthropic's format", async (path) => {
    const ok = await post(path, { model: "mock", messages: [{ role: "user", content: "hi" }] });
    expect(await ok.json()).toEqual({ input_tokens: expect.any(Number) });
    const missingKey = await post(path, { model: "mock", messages: [] }, { authorization: "" });
    expect(missingKey.status).toBe(401);
    expect(await missingKey.json()).toMatchObject({ type: "error" });
  });

  it("answers a trailing-slash Messages path's refusal in Anthropic's envelope", async () => {
    const res = await post("/v1/messages/", FORMATS.messages!.body, { authorization: "" });
    expect(await res.json()).toMatchObject({
      type: "error",
      error: { type: "authentication_error" },
    });
  });
});
