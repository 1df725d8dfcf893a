import { readFileSync } from "node:fs";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startLocalServer, type LocalServer } from "../__fixtures__/start-local-server.ts";
import { AuthenticationError, InvalidRequestError, TimeoutError } from "../errors/gateway-error.ts";
import { ProviderRegistry } from "../provider/registry.ts";
import { defaultProviders } from "../providers/default-providers.ts";
import { createOpenAICompatibleProvider } from "../providers/openai-compatible/openai-compatible-provider.ts";
import { createUndiciTransport } from "../transport/undici-transport.ts";
import { callEmbedding, type CallEmbeddingOptions } from "./call-embedding.ts";

const transport = createUndiciTransport();
let server: LocalServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
afterAll(() => transport.close());

const options = (overrides: Partial<CallEmbeddingOptions> = {}): CallEmbeddingOptions => ({
  registry: defaultProviders(),
  deployment: {
    provider: "openai",
    model: "text-embedding-3-small",
    apiKey: "sk-emb-abcdefgh",
    apiBase: `${server?.origin}/v1`,
    params: {},
  },
  request: { model: "alias", input: ["a", "b"] },
  callId: "e1",
  transport,
  ...overrides,
});

describe("callEmbedding", () => {
  it("returns the parsed response and the exact body", async () => {
    const body = readFileSync(
      new URL("../providers/openai/__fixtures__/embeddings.json", import.meta.url),
      "utf8",
    );
    server = await startLocalServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    const result = await callEmbedding(options());
    expect(result.rawBody).toBe(body);
    expect(result.response.data).toHaveLength(2);
    expect(server.requests[0]?.url).toBe("/v1/embeddings");
  });

  it("maps upstream errors and redacts the key", async () => {
    server = await startLocalServer((_req, res) => {
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        '{"error":{"message":"Incorrect API key provided: sk-emb-abcdefgh","type":"invalid_request_error","code":"invalid_api_key"}}',
      );
    });
    const error = await callEmbedding(options()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as Error).message).not.toContain("abcdefgh");
  });

  it("times out", async () => {
    server = await startLocalServer(() => {});
    await expect(callEmbedding(options({ timeoutMs: 100 }))).rejects.toBeInstanceOf(TimeoutError);
  });

  it("rejects a provider without embeddings", async () => {
    const chatOnly = createOpenAICompatibleProvider({
      id: "chatonly",
      defaultApiBase: "http://x.invalid",
      embeddingsPath: false,
    });
    const error = await callEmbedding(
      options({
        registry: new ProviderRegistry([chatOnly]),
        deployment: { provider: "chatonly", model: "m", params: {} },
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidRequestError);
  });
});
