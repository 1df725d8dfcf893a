import { afterEach, describe, expect, it } from "vitest";
import { startFakeServer, type FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest } from "../http-client/raw-request.ts";
import {
  openaiContextLengthError,
  openaiError,
  openaiErrorBody,
  openaiRateLimitError,
} from "./openai-error.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

describe("openaiError", () => {
  it("sends OpenAI's envelope byte for byte with an x-request-id", async () => {
    fake = await startFakeServer(
      openaiError(400, {
        message: "Bad value",
        param: "temperature",
        code: "invalid_value",
        headers: { "x-extra": "1" },
      }),
    );
    const res = await rawRequest(fake.url);
    expect(res.status).toBe(400);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["x-request-id"]).toMatch(/^req_[0-9a-f]{32}$/);
    expect(res.headers["x-extra"]).toBe("1");
    expect(res.text()).toBe(
      '{"error":{"message":"Bad value","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}',
    );
  });

  it("picks OpenAI's type and code for a status unless told otherwise", () => {
    expect(openaiErrorBody(500).error).toEqual({
      message: "The server had an error while processing your request. Sorry about that!",
      type: "server_error",
      param: null,
      code: null,
    });
    expect(openaiErrorBody(429).error).toMatchObject({
      type: "requests",
      code: "rate_limit_exceeded",
    });
    expect(
      openaiErrorBody(429, { type: "insufficient_quota", code: "insufficient_quota" }).error,
    ).toMatchObject({
      type: "insufficient_quota",
      code: "insufficient_quota",
    });
    expect(openaiErrorBody(401, { code: null }).error.code).toBeNull();
    expect(openaiErrorBody(502).error.type).toBe("server_error");
  });

  it("rate-limit errors carry retry-after, retry-after-ms and exhausted limits", async () => {
    fake = await startFakeServer(
      openaiRateLimitError({ retryAfter: 7, retryAfterMs: 7000, limit: "tokens" }),
    );
    const res = await rawRequest(fake.url);
    expect(res.status).toBe(429);
    expect(res.headers["retry-after"]).toBe("7");
    expect(res.headers["retry-after-ms"]).toBe("7000");
    expect(res.headers["x-ratelimit-remaining-tokens"]).toBe("0");
    expect(JSON.parse(res.text())).toEqual({
      error: {
        message: "Rate limit reached for tokens. Please try again in 7s.",
        type: "tokens",
        param: null,
        code: "rate_limit_exceeded",
      },
    });
  });

  it("context-length errors use OpenAI's message and code", async () => {
    fake = await startFakeServer(
      openaiContextLengthError({ maxTokens: 8192, requestedTokens: 9000 }),
    );
    const res = await rawRequest(fake.url);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text())).toEqual({
      error: {
        message:
          "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens. Please reduce the length of the messages.",
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    });
  });
});
