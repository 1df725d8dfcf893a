import { describe, expect, it } from "vitest";
import { callEmbedding } from "../../call/call-embedding.ts";
import { RateLimitError } from "../../errors/gateway-error.ts";
import type { EmbeddingRequest } from "../../openai/embeddings.ts";
import { noNetworkTransport } from "../../__fixtures__/adapter-test-kit.ts";
import { defaultProviders } from "../default-providers.ts";
import { mockEmbeddingVector } from "./mock-embedding-vector.ts";

const noNetwork = noNetworkTransport;

const embed = (
  request: Partial<EmbeddingRequest>,
  params: Record<string, unknown> = {},
  provider = "mock",
) =>
  callEmbedding({
    registry: defaultProviders(),
    deployment: { provider, model: "text-embedding-3-small", params },
    request: { model: "alias", input: "hello", ...request } as EmbeddingRequest,
    callId: "e1",
    transport: noNetwork,
  });

const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

describe("mock embeddings", () => {
  it("returns deterministic unit vectors from a hash of the input", async () => {
    const first = await embed({ input: ["sea", "sky", "sea"], dimensions: 64 });
    const vectors = first.response.data.map((d) => d.embedding as number[]);
    expect(vectors).toHaveLength(3);
    expect(vectors[0]).toHaveLength(64);
    expect(vectors[0]).toEqual(vectors[2]);
    expect(vectors[0]).not.toEqual(vectors[1]);
    expect(norm(vectors[0] as number[])).toBeCloseTo(1, 6);
    const again = await embed({ input: "sea", dimensions: 64 });
    expect(again.response.data[0]?.embedding).toEqual(vectors[0]);
    expect(first.response.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(first.response.usage.prompt_tokens).toBeGreaterThan(0);
  });

  it("defaults to 1536 dimensions", async () => {
    expect((await embed({})).response.data[0]?.embedding).toHaveLength(1536);
  });

  it("encodes base64 as little-endian float32", async () => {
    const result = await embed({ input: "sea", dimensions: 8, encoding_format: "base64" });
    const encoded = result.response.data[0]?.embedding as string;
    const bytes = Buffer.from(encoded, "base64");
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const decoded = Array.from({ length: 8 }, (_, i) => view.getFloat32(i * 4, true));
    mockEmbeddingVector("sea", 8).forEach((value, i) => expect(decoded[i]).toBeCloseTo(value, 6));
  });

  it("answers any deployment with mock_response, including a fixed vector or an error", async () => {
    const fixed = await embed({ input: ["a", "b"] }, { mock_response: [0.5, 0.25] }, "openai");
    expect(fixed.response.data.map((d) => d.embedding)).toEqual([
      [0.5, 0.25],
      [0.5, 0.25],
    ]);
    await expect(
      embed({}, { mock_response: "litellm.RateLimitError" }, "openai"),
    ).rejects.toBeInstanceOf(RateLimitError);
  });
});
