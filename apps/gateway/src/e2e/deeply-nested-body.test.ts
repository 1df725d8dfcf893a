import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

/** `[[[…0…]]]`, `depth` arrays deep: legal JSON that recursive code cannot walk. */
const DEEP_JSON = "[".repeat(5_000) + "0" + "]".repeat(5_000);
/**
 * The SDKs serialise bodies themselves (and would overflow on the real value first), so the
 * requests carry this marker and the SDKs' fetch swaps in the deep JSON on the wire.
 */
const deep = "__DEEP_JSON__";
const swapDeepJson: typeof fetch = (input, init) =>
  fetch(input, {
    ...init,
    ...(typeof init?.body === "string"
      ? { body: init.body.replaceAll(`"${deep}"`, DEEP_JSON) }
      : {}),
  });

// A hostile body nested ~5,000 deep in a field nobody reads used to overflow the stack while
// the upstream body was serialised: the router took that for an upstream failure, retried it
// three times and answered 502. It is the caller's input: a 400 before any upstream call.
describe("deeply nested JSON bodies", { timeout: 60_000 }, () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const params = { model: "openai/gpt-4o", api_key: "sk-up", api_base: `${upstream.url}/v1` };
    gateway = await startTestGateway({
      config: {
        model_list: [
          { model_name: "gpt", litellm_params: params },
          {
            model_name: "embed",
            litellm_params: { ...params, model: "openai/text-embedding-3-small" },
          },
        ],
        router_settings: { num_retries: 3 },
      },
    });
    openai = new OpenAI({
      baseURL: gateway.baseURL,
      apiKey: gateway.masterKey,
      maxRetries: 0,
      fetch: swapDeepJson,
    });
    anthropic = new Anthropic({
      baseURL: gateway.url,
      apiKey: gateway.masterKey,
      maxRetries: 0,
      fetch: swapDeepJson,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => upstream.reset());

  const messages = [{ role: "user" as const, content: "Hello" }];

  async function expectOpenAI400(call: Promise<unknown>): Promise<void> {
    const error = await call.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    const apiError = error as InstanceType<typeof OpenAI.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect(apiError.type).toBe("invalid_request_error");
    expect(apiError.message).toMatch(/nested deeper than \d+ levels/);
    expect(upstream.callCount()).toBe(0);
  }

  it("the marker really is replaced on the wire (else every test below proves nothing)", async () => {
    const sent = await swapDeepJson(`${gateway.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt", messages, x: deep }),
    });
    expect(sent.status).toBe(400);
    const body = (await sent.json()) as { error: { message: string; type: string } };
    expect(body.error.type).toBe("invalid_request_error");
    expect(upstream.callCount()).toBe(0);
  });

  it("/v1/chat/completions: 400, no upstream call", async () => {
    await expectOpenAI400(
      openai.chat.completions.create({ model: "gpt", messages, metadata_x: deep } as never),
    );
  });

  it("/v1/chat/completions, streamed: 400, no upstream call", async () => {
    await expectOpenAI400(
      openai.chat.completions.create({
        model: "gpt",
        messages,
        stream: true,
        extra: { a: deep },
      } as never),
    );
  });

  it("/v1/embeddings: 400, no upstream call", async () => {
    await expectOpenAI400(
      openai.embeddings.create({ model: "embed", input: "hi", extra: deep } as never),
    );
  });

  it("/v1/completions: 400, no upstream call", async () => {
    await expectOpenAI400(
      openai.completions.create({ model: "gpt", prompt: "hi", extra: deep } as never),
    );
  });

  it("/v1/responses: 400, no upstream call", async () => {
    await expectOpenAI400(
      openai.responses.create({ model: "gpt", input: "hi", extra: deep } as never),
    );
  });

  it("/v1/messages (Anthropic SDK): 400 in Anthropic's envelope, no upstream call", async () => {
    const error = await anthropic.messages
      .create({ model: "gpt", max_tokens: 10, messages, extra: deep } as never)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    const apiError = error as InstanceType<typeof Anthropic.BadRequestError>;
    expect(apiError.status).toBe(400);
    expect((apiError.error as { error: { type: string } }).error.type).toBe(
      "invalid_request_error",
    );
    expect(apiError.message).toMatch(/nested deeper than \d+ levels/);
    expect(upstream.callCount()).toBe(0);
  });

  it("a depth real requests use (a nested JSON schema in a tool) still goes through", async () => {
    let schema: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 20; i++) schema = { type: "object", properties: { inner: schema } };
    const answer = await openai.chat.completions.create({
      model: "gpt",
      messages,
      tools: [{ type: "function", function: { name: "f", parameters: schema } }],
    });
    expect(answer.choices[0]?.message).toBeDefined();
    expect(upstream.callCount()).toBe(1);
  });
});
