import { afterEach, describe, expect, it } from "vitest";
import type { FakeServer } from "../fake-server/start-fake-server.ts";
import { rawRequest } from "../http-client/raw-request.ts";
import { startFakeAzureOpenAI } from "./fake-azure.ts";

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

const KEY = "azure-fake-key-123";
const body = (extra: Record<string, unknown> = {}) => ({
  messages: [{ role: "user", content: "hello there" }],
  ...extra,
});
const post = (
  path: string,
  payload: unknown,
  headers: Record<string, string> = { "api-key": KEY },
) => rawRequest(`${fake!.url}${path}`, { method: "POST", body: payload as object, headers });
const errorOf = (text: string) => (JSON.parse(text) as { error: Record<string, unknown> }).error;

describe("fake Azure OpenAI", () => {
  it("answers the classic path with the deployment's model and filter results", async () => {
    fake = await startFakeAzureOpenAI({
      apiKey: KEY,
      deployments: { chat4o: "gpt-4o-2024-11-20" },
    });
    const res = await post(
      "/openai/deployments/chat4o/chat/completions?api-version=2024-10-21",
      body(),
    );
    expect(res.status).toBe(200);
    expect(res.headers["apim-request-id"]).toBeDefined();
    const completion = JSON.parse(res.text());
    expect(completion).toMatchObject({
      object: "chat.completion",
      model: "gpt-4o-2024-11-20",
      choices: [{ message: { content: "echo: hello there" }, finish_reason: "stop" }],
      prompt_filter_results: [{ prompt_index: 0 }],
    });
    expect(completion.choices[0].content_filter_results.hate).toEqual({
      filtered: false,
      severity: "safe",
    });
    expect(completion.service_tier).toBeUndefined();
  });

  it("requires api-version on the classic path, and a well-formed one", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY });
    const missing = await post("/openai/deployments/d/chat/completions", body());
    expect(missing.status).toBe(404);
    expect(errorOf(missing.text())).toEqual({ code: "404", message: "Resource not found" });
    const bad = await post("/openai/deployments/d/chat/completions?api-version=banana", body());
    expect(bad.status).toBe(400);
    expect(errorOf(bad.text()).code).toBe("BadRequest");
  });

  it("serves the v1 API with the deployment in model", async () => {
    fake = await startFakeAzureOpenAI({
      apiKey: KEY,
      deployments: { mini: "gpt-4o-mini-2024-07-18" },
    });
    const ok = await post("/openai/v1/chat/completions", body({ model: "mini" }));
    expect(JSON.parse(ok.text()).model).toBe("gpt-4o-mini-2024-07-18");
    const unknown = await post(
      "/openai/v1/chat/completions?api-version=preview",
      body({ model: "nope" }),
    );
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown.text()).code).toBe("DeploymentNotFound");
  });

  it("checks the api-key header (a Bearer key is not enough) and accepts an Entra token", async () => {
    fake = await startFakeAzureOpenAI({ apiKey: KEY, adToken: "entra-token" });
    const path = "/openai/deployments/d/chat/completions?api-version=2024-10-21";
    const none = await post(path, body(), {});
    expect(none.status).toBe(401);
    expect(errorOf(none.text()).message).toContain("missing subscription key");
    const bearerKey = await post(path, body(), { authorization: `Bearer ${KEY}` });
    expect(bearerKey.status).toBe(401);
    expect(errorOf(bearerKey.text())).toMatchObject({ code: "401" });
    const token = await post(path, body(), { authorization: "Bearer entra-token" });
    expect(token.status).toBe(200);
  });

  it("streams with the prompt-filter chunk first and usage only when asked", async () => {
    fake = await startFakeAzureOpenAI();
    const res = await post(
      "/openai/deployments/d/chat/completions?api-version=2024-10-21",
      body({ stream: true, stream_options: { include_usage: true } }),
    );
    const payloads = res
      .text()
      .split("\n\n")
      .filter((event) => event !== "")
      .map((event) => event.replace(/^data: /, ""));
    expect(payloads.at(-1)).toBe("[DONE]");
    const first = JSON.parse(payloads[0]!);
    expect(first).toMatchObject({ choices: [], id: "", model: "", object: "" });
    expect(first.prompt_filter_results).toHaveLength(1);
    const usage = JSON.parse(payloads.at(-2)!);
    expect(usage.choices).toEqual([]);
    expect(usage.usage.completion_tokens).toBe(3);
  });

  it("refuses stream_options on api-versions that predate it", async () => {
    fake = await startFakeAzureOpenAI();
    const res = await post(
      "/openai/deployments/d/chat/completions?api-version=2024-06-01",
      body({ stream: true, stream_options: { include_usage: true } }),
    );
    expect(res.status).toBe(400);
    expect(errorOf(res.text()).message).toBe(
      "Unrecognized request argument supplied: stream_options",
    );
  });

  it("answers a blocked prompt with the content-filter 400", async () => {
    fake = await startFakeAzureOpenAI();
    const res = await post(
      "/openai/deployments/d/chat/completions?api-version=2024-10-21",
      body({ messages: [{ role: "user", content: "tell me about the forbidden-topic" }] }),
    );
    expect(res.status).toBe(400);
    expect(errorOf(res.text())).toMatchObject({
      code: "content_filter",
      innererror: {
        code: "ResponsibleAIPolicyViolation",
        content_filter_result: { hate: { filtered: true } },
      },
    });
  });

  it("calls a tool the prompt names", async () => {
    fake = await startFakeAzureOpenAI();
    const res = await post(
      "/openai/deployments/d/chat/completions?api-version=2024-10-21",
      body({
        messages: [{ role: "user", content: "please use get_weather" }],
        tools: [
          { type: "function", function: { name: "get_weather", parameters: { type: "object" } } },
        ],
      }),
    );
    const choice = JSON.parse(res.text()).choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    expect(choice.message.tool_calls[0]).toMatchObject({
      type: "function",
      function: { name: "get_weather", arguments: "{}" },
    });
  });

  it("answers embeddings on the deployment path", async () => {
    fake = await startFakeAzureOpenAI({ deployments: { emb: "text-embedding-3-small" } });
    const res = await post("/openai/deployments/emb/embeddings?api-version=2024-10-21", {
      input: ["a", "b"],
    });
    const parsed = JSON.parse(res.text());
    expect(parsed).toMatchObject({ object: "list", model: "text-embedding-3-small" });
    expect(parsed.data).toHaveLength(2);
  });
});
