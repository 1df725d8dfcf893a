import { describe, expect, it } from "vitest";
import { AuthenticationError, GatewayError, RateLimitError } from "../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { ProviderDeployment } from "../../provider/deployment.ts";
import {
  chatRequest,
  collect,
  fixture,
  fixtureBytes,
  okResponse,
  runStream,
} from "../gemini/__fixtures__/fixtures.ts";
import { vertexAiProvider } from "./vertex-ai-provider.ts";

const chat = vertexAiProvider.chat!;

const vertexDeployment = (overrides: Partial<ProviderDeployment> = {}): ProviderDeployment => ({
  provider: "vertex_ai",
  model: "gemini-2.5-flash",
  params: {
    vertex_project: "my-project",
    vertex_location: "europe-west4",
    vertex_credentials: "ya29.a0AfH6SMB-token",
  },
  ...overrides,
});

const ctx = (
  deployment: Partial<ProviderDeployment> = {},
  request: Partial<ChatCompletionRequest> = {},
) => ({
  request: chatRequest(request),
  deployment: vertexDeployment(deployment),
  callId: "call-v1",
});

describe("vertexAiProvider requests", () => {
  it("posts to the regional publisher model URL with a Bearer token", async () => {
    const request = await chat.buildRequest(ctx());
    expect(request.url).toBe(
      "https://europe-west4-aiplatform.googleapis.com/v1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent",
    );
    expect(request.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer ya29.a0AfH6SMB-token",
    });
  });

  it("sends the same body as the Gemini API", async () => {
    const request = await chat.buildRequest(
      ctx(
        {},
        {
          messages: [
            { role: "system", content: "S" },
            { role: "user", content: "U" },
          ],
          max_tokens: 5,
        },
      ),
    );
    expect(JSON.parse(request.body as string)).toEqual({
      contents: [{ role: "user", parts: [{ text: "U" }] }],
      systemInstruction: { parts: [{ text: "S" }] },
      generationConfig: { maxOutputTokens: 5 },
    });
  });

  it("builds global, default-location, api_base and api_version URLs", async () => {
    const url = async (deployment: Partial<ProviderDeployment>, stream = false) =>
      (await chat.buildRequest(ctx(deployment, { stream }))).url;
    expect(
      await url({
        params: { vertex_project: "p", vertex_location: "global", vertex_credentials: "tok" },
      }),
    ).toBe(
      "https://aiplatform.googleapis.com/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:generateContent",
    );
    expect(await url({ params: { vertex_project: "p" }, apiKey: "tok" }, true)).toBe(
      "https://us-central1-aiplatform.googleapis.com/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
    expect(await url({ apiBase: "http://127.0.0.1:4010/", apiVersion: "v1beta1" })).toBe(
      "http://127.0.0.1:4010/v1beta1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent",
    );
    expect(
      await url(
        {
          apiBase:
            "https://gw.example/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash",
        },
        true,
      ),
    ).toBe(
      "https://gw.example/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
    );
  });

  it("takes the token from vertex_credentials, else api_key", async () => {
    const auth = async (deployment: Partial<ProviderDeployment>) =>
      (await chat.buildRequest(ctx(deployment))).headers.authorization;
    expect(await auth({ apiKey: "from-api-key" })).toBe("Bearer ya29.a0AfH6SMB-token");
    expect(await auth({ apiKey: "from-api-key", params: { vertex_project: "p" } })).toBe(
      "Bearer from-api-key",
    );
    expect(
      await auth({
        apiKey: "from-api-key",
        params: { vertex_project: "p", vertex_credentials: '{"type":"service_account"}' },
      }),
    ).toBe("Bearer from-api-key");
  });

  it("fails clearly for a service-account key without a token, no credentials, or no project", () => {
    expect(() =>
      chat.buildRequest(
        ctx({ params: { vertex_project: "p", vertex_credentials: '{"type":"service_account"}' } }),
      ),
    ).toThrow(
      /service-account key or file path, and exchanging it for an access token is not implemented/,
    );
    expect(() =>
      chat.buildRequest(
        ctx({ params: { vertex_project: "p", vertex_credentials: "/etc/key.json" } }),
      ),
    ).toThrow(AuthenticationError);
    expect(() => chat.buildRequest(ctx({ params: { vertex_project: "p" } }))).toThrow(
      AuthenticationError,
    );
    const noProject = (() => {
      try {
        chat.buildRequest(ctx({ params: { vertex_credentials: "tok" } }));
      } catch (error) {
        return error;
      }
    })();
    expect(noProject).toBeInstanceOf(GatewayError);
    expect((noProject as GatewayError).code).toBe("deployment_misconfigured");
  });
});

describe("vertexAiProvider responses and errors", () => {
  it("parses answers and streams with the shared Gemini code", async () => {
    const completion = chat.parseResponse(okResponse(fixture("generate-tool-calls.json")), ctx());
    expect(completion.choices[0]?.finish_reason).toBe("tool_calls");
    const chunks = await runStream(chat.createStreamTransformer(ctx({}, { stream: true })), [
      fixtureBytes("stream-text.sse"),
    ]);
    expect(collect(chunks).content).toBe("Hello wörld 🌍, 日本語も。");
  });

  it("maps Vertex errors: 401 UNAUTHENTICATED, 429 with retry delay, and redacts the token", () => {
    const deployment = vertexDeployment();
    const unauthenticated = vertexAiProvider.mapError(
      {
        status: 401,
        headers: {},
        body: JSON.stringify({
          error: {
            code: 401,
            message:
              "Request had invalid authentication credentials (token ya29.a0AfH6SMB-token). Expected OAuth 2 access token.",
            status: "UNAUTHENTICATED",
          },
        }),
      },
      deployment,
    );
    expect(unauthenticated).toBeInstanceOf(AuthenticationError);
    expect(unauthenticated.message).not.toContain("ya29.a0AfH6SMB-token");
    expect(unauthenticated.provider).toBe("vertex_ai");
    const limited = vertexAiProvider.mapError(
      { status: 429, headers: {}, body: fixture("error-429-resource-exhausted.json") },
      deployment,
    );
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.retryAfterMs).toBe(34_000);
  });
});
