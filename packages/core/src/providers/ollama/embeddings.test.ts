import { describe, expect, it } from "vitest";
import { InvalidRequestError } from "../../errors/gateway-error.ts";
import type { EmbeddingContext } from "../../provider/adapter.ts";
import { fixture, ollamaDeployment, response } from "./__fixtures__/fixtures.ts";
import { ollamaEmbeddingAdapter } from "./ollama-provider.ts";

const context = (request: Partial<EmbeddingContext["request"]>, params = {}): EmbeddingContext => ({
  request: { model: "ollama/all-minilm", input: "hello", ...request },
  deployment: ollamaDeployment({ provider: "ollama", model: "all-minilm", params }),
  callId: "call-emb",
});

describe("Ollama embeddings", () => {
  it("builds POST /api/embed with the input as sent", async () => {
    const single = await ollamaEmbeddingAdapter.buildRequest(context({}));
    expect(single.url).toBe("http://localhost:11434/api/embed");
    expect(JSON.parse(single.body as string)).toEqual({ model: "all-minilm", input: "hello" });
    const batch = await ollamaEmbeddingAdapter.buildRequest(
      context({ input: ["a", "b"], dimensions: 256 }, { keep_alive: "1m", truncate: true }),
    );
    expect(JSON.parse(batch.body as string)).toEqual({
      model: "all-minilm",
      input: ["a", "b"],
      dimensions: 256,
      truncate: true,
      keep_alive: "1m",
    });
  });

  it("refuses token-id input", () => {
    expect(() => ollamaEmbeddingAdapter.buildRequest(context({ input: [[1, 2]] }))).toThrow(
      InvalidRequestError,
    );
  });

  it("maps embeddings with usage from prompt_eval_count, and encodes base64", () => {
    const parsed = ollamaEmbeddingAdapter.parseResponse(
      response(fixture("embed-response.json")),
      context({}),
    );
    expect(parsed).toEqual({
      object: "list",
      model: "all-minilm",
      data: [
        {
          object: "embedding",
          index: 0,
          embedding: [0.010071029, -0.0017594862, 0.05007221, 0.25],
        },
        { object: "embedding", index: 1, embedding: [-0.0098027, 0.06042469, 0.025257962, -0.5] },
      ],
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    const base64 = ollamaEmbeddingAdapter.parseResponse(
      response(fixture("embed-response.json")),
      context({ encoding_format: "base64" }),
    );
    expect(Buffer.from(base64.data[0]?.embedding as string, "base64").readFloatLE(12)).toBe(0.25);
  });
});
