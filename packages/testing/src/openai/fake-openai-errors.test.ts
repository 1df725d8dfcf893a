import { afterEach, describe, expect, it } from "vitest";
import { json } from "../fake-server/json.ts";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest } from "../http-client/raw-request.ts";
import { startFakeOpenAI } from "./fake-openai.ts";
import { openaiError } from "./openai-error.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const KEY = "sk-test-1234567890abcdef";
const body = { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] };
const chat = (headers: Record<string, string>, payload: unknown = body) =>
  rawRequest(`${fake!.url}/v1/chat/completions`, {
    method: "POST",
    headers,
    body: payload as object,
  });

describe("fake OpenAI authentication", () => {
  it("accepts the right bearer key", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    expect((await chat({ authorization: `Bearer ${KEY}` })).status).toBe(200);
  });

  it("answers a wrong key with OpenAI's exact 401 body, without echoing the key", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    const wrong = "sk-wrong-0000000000009876";
    const res = await chat({ authorization: `Bearer ${wrong}` });
    expect(res.status).toBe(401);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.text()).toBe(
      `{"error":{"message":"Incorrect API key provided: sk-******************9876. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`,
    );
    expect(res.text()).not.toContain(wrong);
  });

  it("answers a missing key with 401 and code null", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    const res = await chat({});
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text()).error).toMatchObject({
      type: "invalid_request_error",
      code: null,
    });
    expect(JSON.parse(res.text()).error.message).toMatch(/^You didn't provide an API key/);
  });

  it("checks the key before scripted responses, leaving the queue untouched", async () => {
    fake = await startFakeOpenAI({ apiKey: KEY });
    fake.enqueue(json({ scripted: true }));
    expect((await chat({ authorization: "Bearer nope-nope-nope" })).status).toBe(401);
    const ok = await chat({ authorization: `Bearer ${KEY}` });
    expect(JSON.parse(ok.text())).toEqual({ scripted: true });
  });

  it("accepts any key when no apiKey is configured", async () => {
    fake = await startFakeOpenAI();
    expect((await chat({})).status).toBe(200);
    expect((await chat({ authorization: "Bearer anything" })).status).toBe(200);
  });
});

describe("fake OpenAI request errors", () => {
  it("rejects a body that is not JSON", async () => {
    fake = await startFakeOpenAI();
    const res = await rawRequest(`${fake.url}/v1/chat/completions`, {
      method: "POST",
      body: "{nope",
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text()).error.message).toMatch(/could not parse the JSON body/);
  });

  it("rejects a missing model and missing messages like OpenAI", async () => {
    fake = await startFakeOpenAI();
    const noModel = await chat({}, { messages: [] });
    expect(JSON.parse(noModel.text()).error.message).toBe("you must provide a model parameter");
    const noMessages = await chat({}, { model: "m" });
    expect(noMessages.status).toBe(400);
    expect(JSON.parse(noMessages.text()).error).toEqual({
      message: "Missing required parameter: 'messages'.",
      type: "invalid_request_error",
      param: "messages",
      code: "missing_required_parameter",
    });
  });

  it("answers unknown paths with OpenAI's Invalid URL error", async () => {
    fake = await startFakeOpenAI();
    const res = await rawRequest(`${fake.url}/v1/nothing`, { method: "POST", body: {} });
    expect(res.status).toBe(404);
    expect(JSON.parse(res.text()).error).toEqual({
      message: "Invalid URL (POST /v1/nothing)",
      type: "invalid_request_error",
      param: null,
      code: null,
    });
  });

  it("plays scripted errors (429 with retry-after, then success)", async () => {
    fake = await startFakeOpenAI();
    fake.enqueue(openaiError(429, { headers: { "retry-after": "2" } }));
    const limited = await chat({});
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("2");
    expect((await chat({})).status).toBe(200);
  });
});
