import { describe, expect, it } from "vitest";
import { fixtureFiles } from "../../__fixtures__/adapter-test-kit.ts";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import { EmbeddingResponseSchema } from "../../openai/embeddings.ts";
import type { EmbeddingContext } from "../../provider/adapter.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import { createBedrockProvider } from "./bedrock-provider.ts";

const embeddings = createBedrockProvider({
  now: () => Date.parse("2025-01-01T12:00:00Z"),
}).embeddings!;

function ctx(
  model: string,
  request: Partial<EmbeddingRequest>,
  extra: Partial<ProviderDeployment> = {},
): EmbeddingContext {
  return {
    callId: "e1",
    deployment: {
      provider: "bedrock",
      model,
      params: {
        aws_access_key_id: "AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        aws_region_name: "us-west-2",
      },
      ...extra,
    },
    request: { model: `bedrock/${model}`, input: "hello", ...request },
  };
}

const fixture = fixtureFiles(new URL("./__fixtures__/", import.meta.url)).text;

describe("bedrock embeddings", () => {
  it("builds a signed Titan v2 InvokeModel request with dimensions and normalize", async () => {
    const request = await embeddings.buildRequest(
      ctx("amazon.titan-embed-text-v2:0", {
        input: "hello world",
        dimensions: 256,
        normalize: false,
      } as never),
    );
    expect(request.url).toBe(
      "https://bedrock-runtime.us-west-2.amazonaws.com/model/amazon.titan-embed-text-v2%3A0/invoke",
    );
    expect(JSON.parse(request.body as string)).toEqual({
      inputText: "hello world",
      dimensions: 256,
      normalize: false,
    });
    expect(request.headers["authorization"]).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20250101\/us-west-2\/bedrock\/aws4_request/,
    );
  });

  it("accepts a one-element batch for Titan and rejects larger ones with a clear 400", async () => {
    const one = await embeddings.buildRequest(
      ctx("amazon.titan-embed-text-v2:0", { input: ["only"] }),
    );
    expect(JSON.parse(one.body as string)).toEqual({ inputText: "only" });
    const error = await Promise.resolve(
      embeddings.buildRequest(ctx("amazon.titan-embed-text-v2:0", { input: ["a", "b"] })),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({ status: 400, param: "input", code: "batch_not_supported" });
  });

  it("rejects dimensions on Titan v1 unless drop_params", async () => {
    await expect(
      Promise.resolve(
        embeddings.buildRequest(ctx("amazon.titan-embed-text-v1", { dimensions: 256 })),
      ),
    ).rejects.toThrow(/does not support 'dimensions'/);
    const dropped = await embeddings.buildRequest(
      ctx("amazon.titan-embed-text-v1", { dimensions: 256 }, { dropParams: true }),
    );
    expect(JSON.parse(dropped.body as string)).toEqual({ inputText: "hello" });
  });

  it("builds a Cohere batch request with a default input_type", async () => {
    const request = await embeddings.buildRequest(
      ctx("cohere.embed-english-v3", { input: ["first text", "second text"] }),
    );
    expect(JSON.parse(request.body as string)).toEqual({
      texts: ["first text", "second text"],
      input_type: "search_document",
    });
    const query = await embeddings.buildRequest(
      ctx("cohere.embed-english-v3", { input: "q", input_type: "search_query" }),
    );
    expect(JSON.parse(query.body as string)).toMatchObject({ input_type: "search_query" });
  });

  it("rejects token-id input and unknown embedding models", async () => {
    await expect(
      Promise.resolve(
        embeddings.buildRequest(ctx("cohere.embed-english-v3", { input: [1, 2, 3] })),
      ),
    ).rejects.toThrow(/text input/);
    await expect(
      Promise.resolve(embeddings.buildRequest(ctx("meta.llama3-8b-instruct-v1:0", {}))),
    ).rejects.toThrow(/Titan and Cohere/);
  });

  it("parses a Titan answer with inputTextTokenCount as usage", () => {
    const c = ctx("amazon.titan-embed-text-v2:0", {});
    const response = embeddings.parseResponse(
      { status: 200, headers: {}, body: fixture("embedding-titan.json") },
      c,
    );
    expect(EmbeddingResponseSchema.safeParse(response).success).toBe(true);
    expect(response).toEqual({
      object: "list",
      data: [{ object: "embedding", index: 0, embedding: [0.0123, -0.0456, 0.0789, 0.1011] }],
      model: "amazon.titan-embed-text-v2:0",
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
  });

  it("parses a Cohere answer, with usage from x-amzn-bedrock-input-token-count", () => {
    const c = ctx("cohere.embed-english-v3", { input: ["first text", "second text"] });
    const response = embeddings.parseResponse(
      {
        status: 200,
        headers: { "x-amzn-bedrock-input-token-count": "4" },
        body: fixture("embedding-cohere.json"),
      },
      c,
    );
    expect(response.data.map((item) => item.embedding)).toEqual([
      [0.5, -0.25, 0.125],
      [-0.5, 0.25, 0.75],
    ]);
    expect(response.usage).toEqual({ prompt_tokens: 4, total_tokens: 4 });
  });

  it("encodes vectors as base64 float32 little-endian when asked", () => {
    const c = ctx("cohere.embed-english-v3", { encoding_format: "base64" });
    const response = embeddings.parseResponse(
      { status: 200, headers: {}, body: fixture("embedding-cohere.json") },
      c,
    );
    const first = response.data[0]?.embedding as string;
    const bytes = Buffer.from(first, "base64");
    expect([bytes.readFloatLE(0), bytes.readFloatLE(4), bytes.readFloatLE(8)]).toEqual([
      0.5, -0.25, 0.125,
    ]);
  });
});
