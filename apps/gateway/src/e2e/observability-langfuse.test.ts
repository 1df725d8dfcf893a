import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startCaptureServer, type CaptureServer } from "@org/observability/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// `success_callback: ["langfuse"]` with LANGFUSE_PUBLIC_KEY / _SECRET_KEY / _HOST: a fake
// Langfuse on 127.0.0.1 receives the trace and the generation of each request (ingestion API)
// with usage and cost; once it is dead, requests keep completing (the sink's queue absorbs it).

type Ingestion = { batch: { type: string; body: Record<string, unknown> }[] };

describe("Langfuse (success_callback: langfuse)", () => {
  let upstream: FakeServer;
  let langfuse: CaptureServer;
  let gateway: TestGateway | undefined;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    langfuse = await startCaptureServer();
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-upstream",
              api_base: `${upstream.url}/v1`,
              input_cost_per_token: 0.000001,
              output_cost_per_token: 0.000002,
            },
          },
        ],
        litellm_settings: { success_callback: ["langfuse"] },
      },
      env: {
        LANGFUSE_PUBLIC_KEY: "pk-lf-test",
        LANGFUSE_SECRET_KEY: "sk-lf-test-secret",
        LANGFUSE_HOST: langfuse.url,
      },
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await langfuse?.close();
    await upstream?.close();
  });

  it("sends the trace and the generation with usage and cost, then survives Langfuse dying", async () => {
    expect(gateway!.warnings.join("\n")).not.toMatch(/success_callback/);
    const openai = new OpenAI({
      apiKey: gateway!.masterKey,
      baseURL: gateway!.baseURL,
      maxRetries: 0,
    });
    const first = await openai.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hello langfuse" }] })
      .withResponse();
    const callId = first.response.headers.get("x-litellm-call-id")!;
    const cost = Number(first.response.headers.get("x-litellm-response-cost"));
    expect(cost).toBeGreaterThan(0);

    await langfuse.waitFor(1);
    const request = langfuse.requests[0]!;
    expect(request.path).toBe("/api/public/ingestion");
    expect(request.headers.authorization).toBe(
      `Basic ${Buffer.from("pk-lf-test:sk-lf-test-secret").toString("base64")}`,
    );
    const { batch } = JSON.parse(request.body) as Ingestion;
    const trace = batch.find((e) => e.type === "trace-create")!.body;
    const generation = batch.find((e) => e.type === "generation-create")!.body;
    expect(trace.id).toBe(callId);
    expect(generation).toMatchObject({
      traceId: callId,
      model: "openai/gpt-4o",
      usageDetails: {
        input: first.data.usage!.prompt_tokens,
        output: first.data.usage!.completion_tokens,
        total: first.data.usage!.total_tokens,
      },
    });
    expect((generation.costDetails as { total: number }).total).toBeCloseTo(cost, 12);
    // Message logging is off unless the config turns it on: no prompt or answer leaves.
    expect(generation.input).toBeUndefined();
    expect(generation.output).toBeUndefined();
    expect(request.body).not.toContain("hello langfuse");

    // Langfuse dies: a bounded number of requests all complete (the queue drops or retries).
    await langfuse.close();
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        openai.chat.completions
          .create({ model: "gpt-4o", messages: [{ role: "user", content: `after ${i}` }] })
          .withResponse(),
      ),
    );
    expect(answers.map((a) => a.response.status)).toEqual(Array(30).fill(200));
  });
});
