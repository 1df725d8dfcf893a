import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openaiChunks, routes, sse, startFakeServer, type FakeServer } from "@org/testing";
import { streamedRequest, type InferenceRoute } from "../testing/partial-stream.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// A streamed answer's headers go out as soon as the router answers, not with the first event:
// a /v1/completions stream's role-only first chunk completes no event, and a model may think
// long before its first token. The SDKs' timeouts run until the headers arrive, so withheld
// headers turned a slow first token into a client timeout (issue 22's writer sent them with the
// first event only). The upstream here sends its role chunk and then nothing.
describe("a streamed answer's headers while the first token is slow", { timeout: 30_000 }, () => {
  let upstream: FakeServer;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = await startFakeServer(
      routes({
        "POST /v1/chat/completions": () =>
          sse(openaiChunks({ content: ["late"] }).slice(0, 1), { endWith: "hang" }),
      }),
    );
    const params = { api_key: "sk-upstream", api_base: `${upstream.url}/v1` };
    gateway = await startTestGateway({
      config: {
        model_list: [
          { model_name: "relayed", litellm_params: { model: "openai/gpt-4o", ...params } },
          { model_name: "reencoded", litellm_params: { model: "xai/grok-3", ...params } },
        ],
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const cases: { route: InferenceRoute; model: string }[] = [];
  for (const route of [
    "chat",
    "chat-passthrough",
    "messages",
    "responses",
    "completions",
  ] as const) {
    for (const model of ["relayed", "reencoded"]) cases.push({ route, model });
  }

  it.each(cases)("$route ($model): the headers arrive before any token", async (c) => {
    const { path, body } = streamedRequest(c.route, c.model, "think first");
    const res = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${gateway.masterKey}`,
        "content-type": "application/json",
      },
      body: JSON.stringify(body),
      // The upstream never sends a token: only headers sent without one get here in time.
      signal: AbortSignal.timeout(3000),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    await res.body?.cancel();
    // The stream the client left releases its in-flight slot.
    for (let i = 0; i < 100 && gateway.gateway.deps.inFlight.count !== 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(gateway.gateway.deps.inFlight.count).toBe(0);
  });
});
