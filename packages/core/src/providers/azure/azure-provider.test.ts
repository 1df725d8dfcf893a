import { describe, expect, it } from "vitest";
import { fixtureFiles, inReadsOf, runStream } from "../../__fixtures__/adapter-test-kit.ts";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { ChatCompletionChunk } from "../../openai/chat-chunk.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import type { RequestContext } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { azureProvider } from "./azure-provider.ts";
import { AZURE_DEFAULT_API_VERSION } from "./azure-url.ts";

const files = fixtureFiles(new URL("./__fixtures__/", import.meta.url));
const fixture = files.text;
const chat = azureProvider.chat!;
const embeddings = azureProvider.embeddings!;

const deployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "azure",
  model: "my-gpt4o",
  apiKey: "azure-key-0123456789",
  apiBase: "https://contoso.openai.azure.com/",
  apiVersion: "2024-10-21",
  params: {},
  ...overrides,
});
const ctxFor = (
  request: Partial<ChatCompletionRequest> = {},
  overrides: Partial<ProviderDeployment> = {},
): RequestContext => ({
  request: {
    model: "azure-gpt",
    messages: [{ role: "user", content: "hi" }],
    ...request,
  } as ChatCompletionRequest,
  deployment: deployment(overrides),
  callId: "call-azure-1",
});

function transform(
  name: string,
  readSize: number,
  ctx = ctxFor({ stream: true }),
): Promise<ChatCompletionChunk[]> {
  return runStream(chat.createStreamTransformer(ctx), inReadsOf(files.bytes(name), readSize));
}

describe("azure: request URL", () => {
  it("uses the classic deployments path with the api-version query and the api-key header", async () => {
    const request = await chat.buildRequest(ctxFor({ temperature: 0.1 }));
    expect(request.url).toBe(
      "https://contoso.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21",
    );
    expect(request.headers["api-key"]).toBe("azure-key-0123456789");
    expect(request.headers.authorization).toBeUndefined();
    expect(JSON.parse(String(request.body))).toEqual({
      model: "my-gpt4o",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.1,
    });
  });

  it("defaults api-version to LiteLLM's default", async () => {
    const request = await chat.buildRequest(ctxFor({}, { apiVersion: undefined }));
    expect(request.url).toBe(
      `https://contoso.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=${AZURE_DEFAULT_API_VERSION}`,
    );
    expect(AZURE_DEFAULT_API_VERSION).toBe("2025-02-01-preview");
  });

  it("accepts an api_base that already ends in /openai and encodes the deployment name", async () => {
    const request = await chat.buildRequest(
      ctxFor({}, { apiBase: "https://contoso.openai.azure.com/openai", model: "gpt 4o/eu" }),
    );
    expect(request.url).toBe(
      "https://contoso.openai.azure.com/openai/deployments/gpt%204o%2Feu/chat/completions?api-version=2024-10-21",
    );
  });

  it.each([
    ["v1", "https://contoso.openai.azure.com/openai/v1/chat/completions"],
    ["latest", "https://contoso.openai.azure.com/openai/v1/chat/completions?api-version=latest"],
    ["preview", "https://contoso.openai.azure.com/openai/v1/chat/completions?api-version=preview"],
  ])("api_version %s selects the v1 API, deployment in the body", async (version, url) => {
    const request = await chat.buildRequest(ctxFor({}, { apiVersion: version }));
    expect(request.url).toBe(url);
    expect(JSON.parse(String(request.body)).model).toBe("my-gpt4o");
  });

  it("an api_base ending in /openai/v1 selects the v1 API too", async () => {
    const request = await chat.buildRequest(
      ctxFor({}, { apiBase: "https://contoso.openai.azure.com/openai/v1/" }),
    );
    expect(request.url).toBe("https://contoso.openai.azure.com/openai/v1/chat/completions");
  });

  it("sends an Entra ID token as Bearer when there is no key", async () => {
    const request = await chat.buildRequest(
      ctxFor({}, { apiKey: undefined, params: { azure_ad_token: "eyJ0eXAiOiJKV1Qi.token" } }),
    );
    expect(request.headers.authorization).toBe("Bearer eyJ0eXAiOiJKV1Qi.token");
    expect(request.headers["api-key"]).toBeUndefined();
  });

  it("lets extra_headers override the auth header", async () => {
    const request = await chat.buildRequest(ctxFor({}, { extraHeaders: { "Api-Key": "other" } }));
    expect(request.headers["api-key"]).toBe("other");
  });

  it("refuses a deployment without api_base", async () => {
    await expect(chat.buildRequest(ctxFor({}, { apiBase: undefined }))).rejects.toBeInstanceOf(
      InvalidRequestError,
    );
  });

  it("asks for stream usage only on api-versions that have stream_options", async () => {
    const modern = await chat.buildRequest(ctxFor({ stream: true }));
    expect(JSON.parse(String(modern.body)).stream_options).toEqual({ include_usage: true });
    expect(chat.isPassthrough?.(ctxFor({ stream: true }))).toBe(false);

    const old = ctxFor({ stream: true }, { apiVersion: "2024-06-01" });
    expect(JSON.parse(String((await chat.buildRequest(old)).body)).stream_options).toBeUndefined();
    // Streams are re-encoded whatever the version, to drop Azure's prompt_filter_results opener.
    expect(chat.isPassthrough?.(old)).toBe(false);

    const v1 = await chat.buildRequest(ctxFor({ stream: true }, { apiVersion: "v1" }));
    expect(JSON.parse(String(v1.body)).stream_options).toEqual({ include_usage: true });
  });

  it("builds the embeddings URL on the same deployment path", async () => {
    const request = await embeddings.buildRequest({
      request: { model: "emb", input: "hello" } as EmbeddingRequest,
      deployment: deployment({ model: "text-embedding-3-small" }),
      callId: "e1",
    });
    expect(request.url).toBe(
      "https://contoso.openai.azure.com/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
    );
    expect(request.headers["api-key"]).toBe("azure-key-0123456789");
  });
});

describe("azure: responses", () => {
  it("parses a completion and keeps the content filter fields", () => {
    const completion = chat.parseResponse(
      { status: 200, headers: {}, body: fixture("chat-completion.json") },
      ctxFor(),
    );
    expect(completion.model).toBe("gpt-4o-2024-11-20");
    expect(completion.choices[0]?.message.content).toBe("Grüße aus 東京 🌊");
    expect(completion.prompt_filter_results).toHaveLength(1);
    expect(completion.choices[0]?.content_filter_results).toMatchObject({
      hate: { filtered: false, severity: "safe" },
    });
    expect(completion.usage?.total_tokens).toBe(23);
  });

  it.each([1, 7, 64])(
    "streams text split every %i bytes: drops the prompt-filter chunk, keeps usage last",
    async (size) => {
      const chunks = await transform("chat-stream.sse", size);
      expect(chunks.every((chunk) => chunk.id === "chatcmpl-AzureFixture0002")).toBe(true);
      expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
      expect(chunks[0]?.prompt_filter_results).toBeDefined();
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
      expect(text).toBe("Grüße aus 東京 🌊");
      const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
      expect(finish?.choices[0]?.finish_reason).toBe("stop");
      const last = chunks.at(-1);
      expect(last?.choices).toEqual([]);
      expect(last?.usage?.total_tokens).toBe(23);
    },
  );

  it("passes finish_reason content_filter through with the filter verdict", async () => {
    const chunks = await transform("chat-stream-content-filter.sse", 13);
    const finish = chunks.at(-1);
    expect(finish?.choices[0]?.finish_reason).toBe("content_filter");
    expect(finish?.choices[0]?.provider_finish_reason).toBeUndefined();
    expect(finish?.choices[0]?.content_filter_results).toMatchObject({
      violence: { filtered: true, severity: "medium" },
    });
  });

  it("parses embeddings", () => {
    const response = embeddings.parseResponse(
      { status: 200, headers: {}, body: fixture("embeddings.json") },
      {
        request: { model: "emb", input: "hello" } as EmbeddingRequest,
        deployment: deployment(),
        callId: "e1",
      },
    );
    expect(response.data[0]?.embedding).toHaveLength(3);
  });
});
