import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { json, openaiCompletion, reply, startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A non-streamed upstream answer is read whole into memory before it is translated, so its size
// is capped (general_settings.max_response_size_mb): past the cap the read stops and the caller
// gets a 502 naming the limit. A small cap stands in for the 64 MB default here.
describe("upstream response size limit", { timeout: 60_000 }, () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let client: OpenAI;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-up",
              api_base: `${upstream.url}/v1`,
            },
          },
        ],
        router_settings: { num_retries: 3 },
        general_settings: { max_response_size_mb: 0.25 },
      },
    });
    client = new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  const ask = () =>
    client.chat.completions.create({ model: "gpt", messages: [{ role: "user", content: "hi" }] });

  async function expectTooLarge(): Promise<void> {
    const error = await ask().then(
      () => expect.unreachable("an answer over the limit was passed on"),
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const apiError = error as InstanceType<typeof OpenAI.APIError>;
    expect(apiError.status).toBe(502);
    expect(apiError.code).toBe("upstream_response_too_large");
    expect(apiError.message).toContain("0.25 MB");
    expect(apiError.message).toContain("general_settings.max_response_size_mb");
    // The same request would bring the same answer: not retried.
    expect(upstream.callCount()).toBe(1);
  }

  it("refuses an answer whose content-length is over the limit", async () => {
    upstream.enqueue(json(openaiCompletion({ content: "x".repeat(1024 * 1024) })));
    await expectTooLarge();
  });

  it("stops reading a chunked answer (no content-length) once it passes the limit", async () => {
    const body = JSON.stringify(openaiCompletion({ content: "x".repeat(1024 * 1024) }));
    const pieces: string[] = [];
    for (let i = 0; i < body.length; i += 16 * 1024) pieces.push(body.slice(i, i + 16 * 1024));
    upstream.enqueue(
      reply(
        pieces,
        {},
        { contentType: "application/json", contentLength: false, splitWrites: "per-event" },
      ),
    );
    await expectTooLarge();
  });

  it("passes an answer under the limit through unchanged", async () => {
    const content = "y".repeat(200 * 1024);
    upstream.enqueue(json(openaiCompletion({ content })));
    const answer = await ask();
    expect(answer.choices[0]?.message.content).toBe(content);
  });

  it("streams are not limited by it", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text.length).toBeGreaterThan(0);
  });
});
