import { describe, expect, it } from "vitest";
import { AuthenticationError, InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import type { EmbeddingContext } from "../../provider/adapter.ts";
import { fixture, geminiDeployment, okResponse, requestContext } from "./__fixtures__/fixtures.ts";
import { geminiProvider } from "./gemini-provider.ts";

const chat = geminiProvider.chat!;
const embeddings = geminiProvider.embeddings!;

const embeddingContext = (
  request: Partial<EmbeddingRequest>,
  model = "gemini-embedding-001",
): EmbeddingContext => ({
  request: { model: `gemini/${model}`, input: "hello", ...request },
  deployment: geminiDeployment({ model }),
  callId: "call-e1",
});

describe("geminiProvider chat requests", () => {
  it("posts generateContent with the key in x-goog-api-key", async () => {
    const request = await chat.buildRequest(
      requestContext({}, { extraHeaders: { "x-trace": "t1" } }),
    );
    expect(request.method).toBe("POST");
    expect(request.url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent",
    );
    expect(request.headers).toEqual({
      "content-type": "application/json",
      "x-goog-api-key": "AIzaSyTestKey0123456789abcdefghij",
      "x-trace": "t1",
    });
    expect(request.url).not.toContain("key=");
    expect(JSON.parse(request.body as string)).toEqual({
      contents: [{ role: "user", parts: [{ text: "Hi" }] }],
    });
  });

  it("streams with ?alt=sse and honours api_base (bare host or LiteLLM's versioned form) and api_version", async () => {
    const url = async (deployment: Parameters<typeof requestContext>[1], stream = true) =>
      (await chat.buildRequest(requestContext({ stream }, deployment))).url;
    expect(await url({})).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
    );
    expect(await url({ apiBase: "http://127.0.0.1:9999/" })).toBe(
      "http://127.0.0.1:9999/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
    );
    expect(await url({ apiBase: "https://proxy.example/gemini/v1beta" }, false)).toBe(
      "https://proxy.example/gemini/v1beta/models/gemini-2.0-flash:generateContent",
    );
    expect(await url({ apiVersion: "v1", model: "models/gemini-2.5-pro" }, false)).toBe(
      "https://generativelanguage.googleapis.com/v1/models/gemini-2.5-pro:generateContent",
    );
    expect(chat.streamFraming).toBe("sse");
  });

  it("fails before sending when the deployment has no key", () => {
    expect(() => chat.buildRequest(requestContext({}, { apiKey: undefined }))).toThrow(
      AuthenticationError,
    );
  });

  it("declares the params it cannot take", () => {
    expect(geminiProvider.unsupportedParams).toEqual(["logit_bias", "prediction", "audio"]);
  });
});

describe("geminiProvider embeddings", () => {
  it("sends one string to embedContent with outputDimensionality and taskType", async () => {
    const request = await embeddings.buildRequest(
      embeddingContext({ dimensions: 256, input_type: "search_query" }),
    );
    expect(request.url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/gemini-embedding-001:embedContent",
    );
    expect(request.headers["x-goog-api-key"]).toBe("AIzaSyTestKey0123456789abcdefghij");
    expect(JSON.parse(request.body as string)).toEqual({
      model: "models/gemini-embedding-001",
      content: { parts: [{ text: "hello" }] },
      outputDimensionality: 256,
      taskType: "RETRIEVAL_QUERY",
    });
  });

  it("sends a list to batchEmbedContents, one request per text", async () => {
    const request = await embeddings.buildRequest(
      embeddingContext({ input: ["a", "b"] }, "text-embedding-004"),
    );
    expect(request.url).toBe(
      "https://generativelanguage.googleapis.com/v1beta/models/text-embedding-004:batchEmbedContents",
    );
    expect(JSON.parse(request.body as string)).toEqual({
      requests: [
        { model: "models/text-embedding-004", content: { parts: [{ text: "a" }] } },
        { model: "models/text-embedding-004", content: { parts: [{ text: "b" }] } },
      ],
    });
  });

  it("rejects token-id input", () => {
    expect(() => embeddings.buildRequest(embeddingContext({ input: [1, 2, 3] }))).toThrow(
      InvalidRequestError,
    );
  });

  it("parses embedContent and batchEmbedContents answers, float and base64", () => {
    const single = embeddings.parseResponse(
      okResponse(fixture("embed-content.json")),
      embeddingContext({ input: "abcdefgh" }),
    );
    expect(single).toEqual({
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: [0.0125, -0.5, 0.25, 1] }],
      model: "gemini-embedding-001",
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    const batch = embeddings.parseResponse(
      okResponse(fixture("batch-embed-contents.json")),
      embeddingContext({ input: ["first", "second"], encoding_format: "base64" }),
    );
    expect(batch.data.map((item) => item.index)).toEqual([0, 1]);
    const encoded = batch.data[1]?.embedding as string;
    const floats = new Float32Array(new Uint8Array(Buffer.from(encoded, "base64")).buffer);
    expect(Array.from(floats).map((value) => Number(value.toFixed(4)))).toEqual([-0.1, -0.2, -0.3]);
  });
});
