import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// An upstream refusing a call often echoes what it was sent (the URL, a header) in its error.
// Every credential of the deployment must be out of what the client then sees, not only its
// api_key: a key in the api_base's query (`?key=`, an Azure SAS `sig=`) or userinfo, and the
// values of extra_headers and other secret litellm_params.
const SECRETS = ["querysecret99", "sk-upstreamkey123", "hdrsecret456", "pa55word-secret"];

describe("credentials an upstream echoes in its error never reach the client", () => {
  let upstream: Server;
  let gateway: TestGateway;

  beforeAll(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      const echoed = `Unauthorized: ${req.url} key ${req.headers.authorization} token ${String(req.headers["x-api-token"])} pass ${encodeURIComponent("pa55word-secret")}`;
      res.writeHead(401, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          error: { message: echoed, type: "invalid_request_error", code: "invalid_api_key" },
        }),
      );
    });
    await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
    const port = (upstream.address() as AddressInfo).port;
    gateway = await startTestGateway({
      config: {
        // Two names for one deployment: the first test's 401 cools its model group down.
        model_list: ["leaky", "leaky-stream"].map((model_name) => ({
          model_name,
          litellm_params: {
            model: "openai/gpt-4o",
            api_base: `http://127.0.0.1:${port}/v1?token=querysecret99`,
            api_key: "sk-upstreamkey123",
            extra_headers: { "x-api-token": "hdrsecret456" },
            client_password: "pa55word-secret",
          },
        })),
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await new Promise((resolve) => upstream?.close(resolve));
  });

  const client = () =>
    new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.masterKey, maxRetries: 0 });

  it("in a whole answer's error", async () => {
    const error = await client()
      .chat.completions.create({ model: "leaky", messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const text = JSON.stringify((error as InstanceType<typeof OpenAI.APIError>).error);
    expect(text).toContain("Unauthorized");
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  });

  it("in a stream's error", async () => {
    const error = await (async () => {
      const stream = await client().chat.completions.create({
        model: "leaky-stream",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      });
      for await (const _ of stream) {
        // Refused before the first chunk: nothing arrives.
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.APIError);
    const text = JSON.stringify((error as InstanceType<typeof OpenAI.APIError>).error);
    expect(text).toContain("Unauthorized");
    for (const secret of SECRETS) expect(text, secret).not.toContain(secret);
  });
});
