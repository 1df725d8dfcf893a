import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { EmbeddingContext } from "../../provider/adapter.ts";
import { openaiProvider } from "./openai-provider.ts";

const embeddings = openaiProvider.embeddings!;
const ctx: EmbeddingContext = {
  request: {
    model: "alias",
    input: ["a", "b"],
    encoding_format: "base64",
    dimensions: 3,
    mock_delay: 1,
  },
  deployment: {
    provider: "openai",
    model: "text-embedding-3-small",
    apiKey: "sk-e-123456",
    apiBase: "http://h:1/v1",
    params: {},
  },
  callId: "c",
};

describe("openai embeddings adapter", () => {
  it("posts the request to /embeddings with the deployment's model", async () => {
    const request = await embeddings.buildRequest(ctx);
    expect(request.url).toBe("http://h:1/v1/embeddings");
    expect(request.headers.authorization).toBe("Bearer sk-e-123456");
    expect(JSON.parse(request.body as string)).toEqual({
      model: "text-embedding-3-small",
      input: ["a", "b"],
      encoding_format: "base64",
      dimensions: 3,
    });
  });

  it("parses the response", () => {
    const body = readFileSync(new URL("./__fixtures__/embeddings.json", import.meta.url), "utf8");
    const response = embeddings.parseResponse({ status: 200, headers: {}, body }, ctx);
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    expect(response.data[0]?.embedding).toEqual([0.0123, -0.0456, 0.0789]);
    expect(response.usage.prompt_tokens).toBe(6);
    expect(embeddings.isPassthrough?.(ctx)).toBe(true);
  });
});
