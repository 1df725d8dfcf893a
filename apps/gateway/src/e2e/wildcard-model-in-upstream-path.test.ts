import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeGemini, startFakeVertexAi, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

const GEMINI_KEY = "AIzaSyFakeKey-0123456789abcdefghijk";
const VERTEX_TOKEN = "ya29.fake-vertex-access-token";

// Gemini and Vertex AI name the model in the URL's path. Behind a wildcard deployment
// (`gemini/*`, LiteLLM's usual way to offer a provider's whole catalogue) that name is the
// client's: unencoded, its "/..", "?" and "#" moved the call anywhere on the provider's host with
// the operator's credentials: another model than the one the key's pattern allows
// ("gemini-2.0-flash/../gemini-2.5-pro" matches "gemini/gemini-2.0-flash*"), another Google API
// than generateContent, another Vertex project the service account can reach.
describe("a client's model name behind a wildcard deployment stays one path segment", () => {
  let gemini: FakeServer;
  let vertex: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    [gemini, vertex] = await Promise.all([
      startFakeGemini({ apiKey: GEMINI_KEY }),
      startFakeVertexAi({ accessToken: VERTEX_TOKEN }),
    ]);
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gemini/*",
            litellm_params: { model: "gemini/*", api_key: GEMINI_KEY, api_base: gemini.url },
          },
          {
            model_name: "vertex_ai/*",
            litellm_params: {
              model: "vertex_ai/*",
              vertex_project: "mine",
              vertex_location: "us-central1",
              vertex_credentials: VERTEX_TOKEN,
              api_base: vertex.url,
            },
          },
        ],
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await gemini?.close();
    await vertex?.close();
  });

  const keyFor = async (models: string[]) =>
    (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", { models })).key;
  const ask = (key: string, model: string) =>
    new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 }).chat.completions
      .create({ model, messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
  /** The paths the upstream was asked for, as its router reads them (decoded). */
  const pathsAfter = (server: FakeServer, from: number) =>
    server.requests.slice(from).map((r) => decodeURIComponent(r.pathname));

  it("the key's own model is still served through the wildcard", async () => {
    const key = await keyFor(["gemini/gemini-2.0-flash*", "vertex_ai/gemini-2.0-flash"]);
    expect(await ask(key, "gemini/gemini-2.0-flash-001")).toBeUndefined();
    expect(await ask(key, "vertex_ai/gemini-2.0-flash")).toBeUndefined();
    expect(gemini.requests.at(-1)?.pathname).toBe(
      "/v1beta/models/gemini-2.0-flash-001:generateContent",
    );
    expect(vertex.requests.at(-1)?.pathname).toBe(
      "/v1/projects/mine/locations/us-central1/publishers/google/models/gemini-2.0-flash:generateContent",
    );
  });

  it("a key allowed gemini-2.0-flash* cannot reach gemini-2.5-pro by a dot segment", async () => {
    const key = await keyFor(["gemini/gemini-2.0-flash*"]);
    const from = gemini.requests.length;
    const refused = await ask(key, "gemini/gemini-2.0-flash/../gemini-2.5-pro");
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect(pathsAfter(gemini, from)).not.toContain("/v1beta/models/gemini-2.5-pro:generateContent");
    expect(
      pathsAfter(gemini, from).every((p) => p.startsWith("/v1beta/models/gemini-2.0-flash")),
    ).toBe(true);
  });

  for (const model of [
    "gemini/x/../../v1beta/cachedContents#",
    "gemini/gemini-2.5-pro:countTokens?",
    "gemini/..%2F..%2Fv1beta%2Ffiles#",
  ]) {
    it(`"${model}" reaches no other Google API with the operator's key`, async () => {
      const key = await keyFor(["gemini/*"]);
      const from = gemini.requests.length;
      await ask(key, model);
      for (const path of gemini.requests.slice(from).map((r) => r.pathname)) {
        expect(path).toMatch(/^\/v1beta\/models\/[^/?#]+:generateContent$/);
      }
    });
  }

  it("a Vertex AI name cannot climb to another project", async () => {
    const key = await keyFor(["vertex_ai/*"]);
    const from = vertex.requests.length;
    await ask(
      key,
      "vertex_ai/x/../../../../../../projects/other/locations/us-central1/publishers/google/models/gemini-2.5-pro",
    );
    for (const path of vertex.requests.slice(from).map((r) => r.pathname)) {
      expect(path).toMatch(
        /^\/v1\/projects\/mine\/locations\/us-central1\/publishers\/google\/models\/[^/?#]+:generateContent$/,
      );
    }
  });
});
