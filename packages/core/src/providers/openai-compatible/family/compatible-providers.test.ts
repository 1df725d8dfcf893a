import { describe, expect, it } from "vitest";
import { applyUnsupportedParams } from "../../../call/apply-unsupported-params.ts";
import { InvalidRequestError } from "../../../errors/gateway-error.ts";
import type { ChatCompletionRequest } from "../../../openai/chat-request.ts";
import type { EmbeddingRequest } from "../../../openai/embeddings.ts";
import type { ProviderAdapter, RequestContext } from "../../../provider/adapter.ts";
import type { ProviderDeployment } from "../../../provider/deployment.ts";
import {
  cerebrasProvider,
  deepinfraProvider,
  deepseekProvider,
  fireworksAiProvider,
  groqProvider,
  hostedVllmProvider,
  huggingfaceProvider,
  lmStudioProvider,
  nvidiaNimProvider,
  openAICompatibleFamily,
  openrouterProvider,
  perplexityProvider,
  togetherAiProvider,
  vllmProvider,
  xaiProvider,
} from "./index.ts";

interface Row {
  adapter: ProviderAdapter;
  /** Chat URL with no api_base set. */
  url: string;
  embeddingsUrl: string | null;
  /** Sends `stream_options.include_usage` on streams the client did not ask usage for. */
  injectsUsage: boolean;
  /** Params refused up front (a sample or the whole list). */
  refuses: readonly string[];
  /** Deployment overrides needed to build a request at all. */
  deployment?: Partial<ProviderDeployment>;
}

const table: Row[] = [
  {
    adapter: groqProvider,
    url: "https://api.groq.com/openai/v1/chat/completions",
    embeddingsUrl: null,
    injectsUsage: true,
    refuses: ["logprobs", "logit_bias", "top_logprobs"],
  },
  {
    adapter: deepseekProvider,
    url: "https://api.deepseek.com/chat/completions",
    embeddingsUrl: null,
    injectsUsage: true,
    refuses: [],
  },
  {
    adapter: xaiProvider,
    url: "https://api.x.ai/v1/chat/completions",
    embeddingsUrl: null,
    injectsUsage: true,
    refuses: ["web_search_options"],
  },
  {
    adapter: togetherAiProvider,
    url: "https://api.together.xyz/v1/chat/completions",
    embeddingsUrl: "https://api.together.xyz/v1/embeddings",
    injectsUsage: false,
    refuses: [],
  },
  {
    adapter: fireworksAiProvider,
    url: "https://api.fireworks.ai/inference/v1/chat/completions",
    embeddingsUrl: "https://api.fireworks.ai/inference/v1/embeddings",
    injectsUsage: false,
    refuses: [],
  },
  {
    adapter: openrouterProvider,
    url: "https://openrouter.ai/api/v1/chat/completions",
    embeddingsUrl: "https://openrouter.ai/api/v1/embeddings",
    injectsUsage: false,
    refuses: [],
  },
  {
    adapter: perplexityProvider,
    url: "https://api.perplexity.ai/chat/completions",
    embeddingsUrl: null,
    injectsUsage: false,
    refuses: ["tools", "tool_choice", "logprobs", "n"],
  },
  {
    adapter: nvidiaNimProvider,
    url: "https://integrate.api.nvidia.com/v1/chat/completions",
    embeddingsUrl: "https://integrate.api.nvidia.com/v1/embeddings",
    injectsUsage: true,
    refuses: [],
  },
  {
    adapter: huggingfaceProvider,
    url: "https://router.huggingface.co/v1/chat/completions",
    embeddingsUrl: null,
    injectsUsage: false,
    refuses: [],
  },
  {
    adapter: cerebrasProvider,
    url: "https://api.cerebras.ai/v1/chat/completions",
    embeddingsUrl: null,
    injectsUsage: false,
    refuses: [
      "frequency_penalty",
      "presence_penalty",
      "logit_bias",
      "parallel_tool_calls",
      "service_tier",
    ],
  },
  {
    adapter: deepinfraProvider,
    url: "https://api.deepinfra.com/v1/openai/chat/completions",
    embeddingsUrl: "https://api.deepinfra.com/v1/openai/embeddings",
    injectsUsage: true,
    refuses: [],
  },
  {
    adapter: lmStudioProvider,
    url: "http://localhost:1234/v1/chat/completions",
    embeddingsUrl: "http://localhost:1234/v1/embeddings",
    injectsUsage: true,
    refuses: [],
  },
  {
    adapter: hostedVllmProvider,
    url: "http://gpu-box:8000/v1/chat/completions",
    embeddingsUrl: "http://gpu-box:8000/v1/embeddings",
    injectsUsage: true,
    refuses: [],
    deployment: { apiBase: "http://gpu-box:8000/v1" },
  },
  {
    adapter: vllmProvider,
    url: "http://gpu-box:8000/v1/chat/completions",
    embeddingsUrl: "http://gpu-box:8000/v1/embeddings",
    injectsUsage: true,
    refuses: [],
    deployment: { apiBase: "http://gpu-box:8000/v1" },
  },
];

const deploymentOf = (
  row: Row,
  overrides: Partial<ProviderDeployment> = {},
): ProviderDeployment => ({
  provider: row.adapter.id,
  model: "some-model",
  apiKey: "key-0123456789abcdef",
  params: {},
  ...row.deployment,
  ...overrides,
});
const request = (extra: Partial<ChatCompletionRequest> = {}): ChatCompletionRequest =>
  ({
    model: "alias",
    messages: [{ role: "user", content: "hi" }],
    ...extra,
  }) as ChatCompletionRequest;
const ctxOf = (
  row: Row,
  extra: Partial<ChatCompletionRequest> = {},
  overrides: Partial<ProviderDeployment> = {},
): RequestContext => ({
  request: request(extra),
  deployment: deploymentOf(row, overrides),
  callId: "c1",
});

describe("openAICompatibleFamily", () => {
  it("lists every provider once, with LiteLLM's ids", () => {
    expect(openAICompatibleFamily.map((a) => a.id)).toEqual([
      "groq",
      "deepseek",
      "xai",
      "together_ai",
      "fireworks_ai",
      "openrouter",
      "perplexity",
      "nvidia_nim",
      "huggingface",
      "cerebras",
      "deepinfra",
      "lm_studio",
      "hosted_vllm",
      "vllm",
    ]);
    expect(table.map((row) => row.adapter)).toEqual(openAICompatibleFamily);
  });
});

describe.each(table)("$adapter.id", (row) => {
  const chat = row.adapter.chat!;

  it("posts to its default chat URL with bearer auth", async () => {
    const built = await chat.buildRequest(ctxOf(row));
    expect(built.url).toBe(row.url);
    expect(built.method).toBe("POST");
    expect(built.headers.authorization).toBe("Bearer key-0123456789abcdef");
    expect(built.headers["content-type"]).toBe("application/json");
  });

  it("uses the deployment's api_base when set", async () => {
    const built = await chat.buildRequest(ctxOf(row, {}, { apiBase: "http://127.0.0.1:9/v1/" }));
    expect(built.url).toBe("http://127.0.0.1:9/v1/chat/completions");
  });

  it(`${row.injectsUsage ? "asks" : "does not ask"} for stream usage`, async () => {
    const built = await chat.buildRequest(ctxOf(row, { stream: true }));
    const body = JSON.parse(String(built.body));
    expect(body.stream_options?.include_usage === true).toBe(row.injectsUsage);
    expect(built.headers.accept).toBe("text/event-stream");
  });

  it(row.embeddingsUrl ? "has embeddings" : "has no embeddings", async () => {
    if (row.embeddingsUrl === null) {
      expect(row.adapter.embeddings).toBeUndefined();
      return;
    }
    const built = await row.adapter.embeddings!.buildRequest({
      request: { model: "e", input: "hello" } as EmbeddingRequest,
      deployment: deploymentOf(row),
      callId: "e1",
    });
    expect(built.url).toBe(row.embeddingsUrl);
  });

  if (row.refuses.length > 0) {
    it("refuses its unsupported params, drops them with drop_params", () => {
      const extra = Object.fromEntries(
        row.refuses.map((param) => [param, param === "n" ? 2 : true]),
      );
      const req = request(extra);
      let error: unknown;
      try {
        applyUnsupportedParams(req, row.adapter, deploymentOf(row));
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).status).toBe(400);
      expect((error as InvalidRequestError).message).toContain(
        `${row.adapter.id} does not support parameters: '${row.refuses[0]}'`,
      );
      expect((error as InvalidRequestError).param).toBe(row.refuses[0]);
      const dropped = applyUnsupportedParams(
        req,
        row.adapter,
        deploymentOf(row, { dropParams: true }),
      );
      for (const param of row.refuses) expect(dropped[param]).toBeUndefined();
    });
  }
});

describe("family body deviations", () => {
  const rowOf = (adapter: ProviderAdapter) => table.find((row) => row.adapter === adapter)!;
  const bodyOf = async (
    adapter: ProviderAdapter,
    extra: Partial<ChatCompletionRequest> = {},
    overrides: Partial<ProviderDeployment> = {},
  ) =>
    JSON.parse(
      String((await adapter.chat!.buildRequest(ctxOf(rowOf(adapter), extra, overrides))).body),
    );

  it("fireworks: model path prefix, tool_choice any, max_tokens", async () => {
    const body = await bodyOf(
      fireworksAiProvider,
      { tool_choice: "required", max_completion_tokens: 100 },
      { model: "llama-v3p1-8b-instruct" },
    );
    expect(body.model).toBe("accounts/fireworks/models/llama-v3p1-8b-instruct");
    expect(body.tool_choice).toBe("any");
    expect(body.max_tokens).toBe(100);
    expect(body.max_completion_tokens).toBeUndefined();
    const own = await bodyOf(fireworksAiProvider, {}, { model: "accounts/me/models/ft-1" });
    expect(own.model).toBe("accounts/me/models/ft-1");
  });

  it("groq: drops message names and explicit nulls in assistant messages", async () => {
    const body = await bodyOf(groqProvider, {
      messages: [
        { role: "user", content: "hi", name: "ana" },
        {
          role: "assistant",
          content: null,
          function_call: null,
          refusal: null,
          tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
        },
        { role: "tool", tool_call_id: "c1", content: "ok" },
      ],
    });
    expect(body.messages).toEqual([
      { role: "user", content: "hi" },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ id: "c1", type: "function", function: { name: "f", arguments: "{}" } }],
      },
      { role: "tool", tool_call_id: "c1", content: "ok" },
    ]);
  });

  it("xai: max_tokens, no strict, no names; reasoning models refuse stop", async () => {
    const body = await bodyOf(
      xaiProvider,
      {
        max_completion_tokens: 50,
        tools: [
          {
            type: "function",
            function: { name: "f", strict: true, parameters: { type: "object" } },
          },
        ],
        messages: [{ role: "user", content: "hi", name: "ana" }],
        stop: ["END"],
      },
      { model: "grok-3" },
    );
    expect(body).toMatchObject({
      max_tokens: 50,
      stop: ["END"],
      messages: [{ role: "user", content: "hi" }],
    });
    expect(body.tools[0].function).toEqual({ name: "f", parameters: { type: "object" } });

    await expect(
      xaiProvider.chat!.buildRequest(
        ctxOf(rowOf(xaiProvider), { stop: ["END"] }, { model: "grok-4-0709" }),
      ),
    ).rejects.toThrow("xai does not support parameters: 'stop' (model grok-4-0709)");
    const dropped = await bodyOf(
      xaiProvider,
      { stop: ["END"], presence_penalty: 1 },
      { model: "grok-3-mini", dropParams: true },
    );
    expect(dropped.stop).toBeUndefined();
    expect(dropped.presence_penalty).toBeUndefined();
  });

  it("cerebras: max_completion_tokens as max_tokens", async () => {
    expect((await bodyOf(cerebrasProvider, { max_completion_tokens: 7 })).max_tokens).toBe(7);
  });

  it("huggingface: provider/org/model goes to the router as org/model:provider", async () => {
    expect(
      (await bodyOf(huggingfaceProvider, {}, { model: "together/deepseek-ai/DeepSeek-R1" })).model,
    ).toBe("deepseek-ai/DeepSeek-R1:together");
    expect(
      (await bodyOf(huggingfaceProvider, {}, { model: "meta-llama/Llama-3.3-70B-Instruct" })).model,
    ).toBe("meta-llama/Llama-3.3-70B-Instruct");
    const endpoint = await bodyOf(
      huggingfaceProvider,
      {},
      { model: "tgi/org/m", apiBase: "https://x.endpoints.huggingface.cloud/v1" },
    );
    expect(endpoint.model).toBe("tgi/org/m");
  });

  it("openrouter: attribution headers from params, extra_headers win", async () => {
    const built = await openrouterProvider.chat!.buildRequest(
      ctxOf(
        rowOf(openrouterProvider),
        {},
        {
          params: { or_site_url: "https://example.com", or_app_name: "Example" },
          extraHeaders: { "X-Title": "Override" },
        },
      ),
    );
    expect(built.headers["http-referer"]).toBe("https://example.com");
    expect(built.headers["x-title"]).toBe("Override");
  });

  it("hosted_vllm / vllm: a clear 400 without api_base", async () => {
    for (const adapter of [hostedVllmProvider, vllmProvider]) {
      const ctx = ctxOf(rowOf(adapter), {}, { apiBase: undefined });
      await expect(adapter.chat!.buildRequest(ctx)).rejects.toThrow(`${adapter.id} needs api_base`);
      await expect(adapter.chat!.buildRequest(ctx)).rejects.toBeInstanceOf(InvalidRequestError);
      await expect(
        adapter.embeddings!.buildRequest({
          request: { model: "e", input: "x" } as EmbeddingRequest,
          deployment: ctx.deployment,
          callId: "e",
        }),
      ).rejects.toBeInstanceOf(InvalidRequestError);
    }
  });

  it("vllm: strict removed from tools; local servers need no key", async () => {
    const built = await hostedVllmProvider.chat!.buildRequest(
      ctxOf(
        rowOf(hostedVllmProvider),
        { tools: [{ type: "function", function: { name: "f", strict: true } }] },
        { apiKey: undefined },
      ),
    );
    expect(built.headers.authorization).toBeUndefined();
    expect(JSON.parse(String(built.body)).tools).toEqual([
      { type: "function", function: { name: "f" } },
    ]);
  });
});
