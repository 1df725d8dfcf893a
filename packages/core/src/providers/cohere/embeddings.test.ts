import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingContext } from "../../provider/adapter.ts";
import { cohereDeployment, fixture, response, TEST_KEY } from "./__fixtures__/fixtures.ts";
import { cohereEmbeddingAdapter } from "./cohere-provider.ts";

const context = (request: Partial<EmbeddingContext["request"]>, params = {}): EmbeddingContext => ({
  request: { model: "cohere/embed-v4.0", input: "hello", ...request },
  deployment: cohereDeployment({ model: "embed-v4.0", params }),
  callId: "call-emb",
});

describe("Cohere embeddings", () => {
  it("builds POST /v2/embed with texts, the default input_type and float embeddings", async () => {
    const request = await cohereEmbeddingAdapter.buildRequest(
      context({ input: ["hello", "goodbye"], dimensions: 256 }),
    );
    expect(request).toMatchObject({
      url: "https://api.cohere.com/v2/embed",
      headers: { authorization: `Bearer ${TEST_KEY}` },
    });
    expect(JSON.parse(request.body as string)).toEqual({
      model: "embed-v4.0",
      texts: ["hello", "goodbye"],
      input_type: "search_document",
      embedding_types: ["float"],
      output_dimension: 256,
    });
  });

  it("takes input_type from the request, else from the deployment", async () => {
    const fromRequest = await cohereEmbeddingAdapter.buildRequest(
      context({ input_type: "search_query" }),
    );
    expect(JSON.parse(fromRequest.body as string)).toMatchObject({
      texts: ["hello"],
      input_type: "search_query",
    });
    const fromParams = await cohereEmbeddingAdapter.buildRequest(
      context({}, { input_type: "clustering", truncate: "END" }),
    );
    expect(JSON.parse(fromParams.body as string)).toMatchObject({
      input_type: "clustering",
      truncate: "END",
    });
  });

  it("refuses token-id input", () => {
    expect(() => cohereEmbeddingAdapter.buildRequest(context({ input: [1, 2, 3] }))).toThrow(
      InvalidRequestError,
    );
  });

  it("maps embeddings.float to an OpenAI list with usage from billed units", () => {
    const parsed = cohereEmbeddingAdapter.parseResponse(
      response(fixture("embed-response.json")),
      context({}),
    );
    expect(parsed).toEqual({
      object: "list",
      model: "embed-v4.0",
      data: [
        {
          object: "embedding",
          index: 0,
          embedding: [0.016296387, -0.008354187, -0.04699707, 0.25],
        },
        {
          object: "embedding",
          index: 1,
          embedding: [-0.0075950623, 0.0134887695, -0.0236511, -0.5],
        },
      ],
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
  });

  it("encodes base64 as float32 little-endian bytes", () => {
    const parsed = cohereEmbeddingAdapter.parseResponse(
      response(fixture("embed-response.json")),
      context({ encoding_format: "base64" }),
    );
    const bytes = Buffer.from(parsed.data[1]?.embedding as string, "base64");
    expect(bytes.byteLength).toBe(16);
    expect(bytes.readFloatLE(12)).toBe(-0.5);
  });
});
