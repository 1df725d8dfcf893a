import type { ChatCompletionRequest } from "@org/core";
import {
  json,
  openaiChunks,
  openaiCompletion,
  routes,
  sse,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
} from "@org/testing";

/** USD per token, both ways, of the models served by `startUsageUpstream`. */
export const USAGE_PRICE = 0.001;

/** What the fake answers; long enough that an answer charged for its prompt only shows. */
export const ANSWER = "The quick brown fox jumps over the lazy dog, twice, and then once more.";
export const SECOND_ANSWER = "A second, different choice: forty-two little words would be fine.";
export const TOOL_CALL = {
  id: "call_1",
  name: "get_weather",
  arguments: { city: "Paris, France" },
};

/**
 * The `usage` the upstream reports for a prompt holding `usage:<name>`; `omitted` leaves the
 * field out. The odd ones are what broken OpenAI-compatible servers have been seen to send.
 */
export const UPSTREAM_USAGES: Record<string, unknown> = {
  omitted: undefined,
  negative: { prompt_tokens: -1000, completion_tokens: -5000, total_tokens: -6000 },
  nulls: { prompt_tokens: null, completion_tokens: null, total_tokens: null },
  strings: { prompt_tokens: "100", completion_tokens: "200", total_tokens: "300" },
  huge: { prompt_tokens: 1e20, completion_tokens: 1e20, total_tokens: 2e20 },
  zeros: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 },
};

function usageNamed(body: unknown): string {
  return /usage:(\w+)/.exec(JSON.stringify(body))?.[1] ?? "omitted";
}

/**
 * A fake OpenAI upstream (chat completions and embeddings) whose usage is chosen by the prompt
 * (`usage:<name>` of `UPSTREAM_USAGES`). Chat answers `ANSWER` (with `n: 2`, `SECOND_ANSWER` as
 * the second choice), or `TOOL_CALL` when the request has tools; streamed or not.
 */
export function startUsageUpstream(): Promise<FakeServer> {
  const chat = (req: RecordedRequest) => {
    const body = req.json as ChatCompletionRequest;
    const usage = UPSTREAM_USAGES[usageNamed(body.messages)];
    const toolCalls = body.tools === undefined ? [] : [TOOL_CALL];
    const content = toolCalls.length > 0 ? null : ANSWER;
    if (body.stream === true) {
      const events = openaiChunks({ content: content ?? [], toolCalls, model: body.model });
      const done = events.pop()!;
      if (usage !== undefined) {
        events.push(
          JSON.stringify({
            id: "chatcmpl-usage",
            object: "chat.completion.chunk",
            created: 1,
            model: body.model,
            choices: [],
            usage,
          }),
        );
      }
      events.push(done);
      return sse(events);
    }
    const completion = openaiCompletion({ content, toolCalls, model: body.model }) as Record<
      string,
      unknown
    > & { choices: Record<string, unknown>[] };
    if (body.n === 2) {
      const second = structuredClone(completion.choices[0]!);
      second.index = 1;
      (second.message as { content: string }).content = SECOND_ANSWER;
      completion.choices.push(second);
    }
    if (usage === undefined) delete completion.usage;
    else completion.usage = usage;
    return json(completion);
  };
  const embeddings = (req: RecordedRequest) => {
    const usage = UPSTREAM_USAGES[usageNamed(req.json)];
    const input = (req.json as { input: unknown }).input;
    const count = Array.isArray(input) ? input.length : 1;
    return json({
      object: "list",
      model: "text-embedding-3-small",
      data: Array.from({ length: count }, (_, index) => ({
        object: "embedding",
        index,
        embedding: [0.1, 0.2, index],
      })),
      ...(usage === undefined ? {} : { usage }),
    });
  };
  return startFakeServer(
    routes({ "POST /v1/chat/completions": chat, "POST /v1/embeddings": embeddings }),
  );
}

/** `chat` (OpenAI gpt-4o) and `embed` (text-embedding-3-small), served by `upstream`. */
export function usageModels(upstream: FakeServer): Record<string, unknown>[] {
  const params = {
    api_key: "sk-upstream",
    api_base: `${upstream.url}/v1`,
    input_cost_per_token: USAGE_PRICE,
    output_cost_per_token: USAGE_PRICE,
  };
  return [
    { model_name: "chat", litellm_params: { model: "openai/gpt-4o", ...params } },
    { model_name: "embed", litellm_params: { model: "openai/text-embedding-3-small", ...params } },
  ];
}
