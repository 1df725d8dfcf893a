import { describe, expect, it } from "vitest";
import { ChatCompletionSchema } from "../../openai/chat-response.ts";
import { hotChatCompletion } from "./hot-chat-completion.ts";
import { parseOpenAICompletion } from "./parse-response.ts";
import { UpstreamError } from "../../errors/gateway-error.ts";

// The hand-written check must never accept what the schema rejects, and must return exactly
// what the schema returns (same values, same key order, plain prototypes) when it accepts.

const BASE = {
  id: "chatcmpl-1",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: "Hello",
        refusal: null,
        reasoning_content: "thinking",
        annotations: [{ type: "url_citation" }],
        audio: { id: "a" },
      },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: {
    prompt_tokens: 9,
    completion_tokens: 7,
    total_tokens: 16,
    prompt_tokens_details: { cached_tokens: 2, audio_tokens: 0, cache_creation_tokens: 1 },
    completion_tokens_details: {
      reasoning_tokens: 3,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  },
  system_fingerprint: "fp_1",
  service_tier: "default",
};

/** Every path to a value in `value` (objects and arrays included). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [];
  if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path, ...paths(child, path));
    }
  }
  return out;
}

const REPLACEMENTS: { name: string; json: string | undefined }[] = [
  { name: "deleted", json: undefined },
  { name: "null", json: "null" },
  { name: "a string", json: '"x"' },
  { name: "a number", json: "1" },
  { name: "Infinity (1e999)", json: "1e999" },
  { name: "a boolean", json: "true" },
  { name: "an array", json: "[]" },
  { name: "an object", json: "{}" },
  { name: "an object with __proto__", json: '{"__proto__":{"polluted":1},"a":1}' },
];

/** `base` as JSON text with the value at `path` replaced (or removed). */
function mutated(path: (string | number)[], json: string | undefined): string {
  const marker = "\u0000REPLACED\u0000";
  const copy = structuredClone(BASE) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (json === undefined) {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
    return JSON.stringify(copy);
  }
  parent[last] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), json);
}

/** What parseOpenAICompletion does before validating. */
function normalized(text: string): unknown {
  const payload = JSON.parse(text) as { choices?: unknown };
  if (Array.isArray(payload.choices)) {
    for (const choice of payload.choices as Record<string, unknown>[]) {
      if (typeof choice !== "object" || choice === null) continue;
      const reasons = ["stop", "length", "tool_calls", "content_filter", "function_call"];
      if (choice.finish_reason === undefined) choice.finish_reason = null;
      else if (choice.finish_reason !== null && !reasons.includes(choice.finish_reason as string))
        choice.finish_reason = "stop";
      const message = choice.message as Record<string, unknown> | undefined;
      if (typeof message === "object" && message !== null && message.content === undefined)
        message.content = null;
    }
  }
  return payload;
}

function expectSameAsSchema(text: string): "hot" | "schema" {
  const hot = hotChatCompletion(normalized(text));
  const schema = ChatCompletionSchema.safeParse(normalized(text));
  if (hot === undefined) return "schema";
  expect(schema.success, `accepted what the schema rejects: ${text}`).toBe(true);
  expect(JSON.stringify(hot)).toBe(JSON.stringify(schema.data));
  expect(Object.getPrototypeOf(hot)).toBe(Object.prototype);
  expect(Object.getPrototypeOf(hot.choices[0] ?? {})).toBe(Object.prototype);
  return "hot";
}

describe("hotChatCompletion", () => {
  it("takes the common shape and returns what the schema returns", () => {
    expect(expectSameAsSchema(JSON.stringify(BASE))).toBe("hot");
    const plain = {
      id: "c",
      object: "chat.completion",
      created: 1,
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "hi" }, finish_reason: "stop" }],
    };
    expect(expectSameAsSchema(JSON.stringify(plain))).toBe("hot");
  });

  it("writes keys in the schema's order, unknown keys after, as zod does", () => {
    const shuffled =
      '{"x_vendor":{"kept":true},"choices":[{"finish_reason":"length","extra":1,"message":{"content":"a","zz":2,"role":"assistant"},"index":0}],' +
      '"usage":{"total_tokens":3,"x":1,"completion_tokens":2,"prompt_tokens":1,"prompt_tokens_details":{"x":1,"cached_tokens":0}},' +
      '"model":"m","created":1,"object":"chat.completion","id":"c"}';
    expect(expectSameAsSchema(shuffled)).toBe("hot");
    const hot = hotChatCompletion(normalized(shuffled))!;
    expect(Object.keys(hot)).toEqual([
      "id",
      "object",
      "created",
      "model",
      "choices",
      "usage",
      "x_vendor",
    ]);
  });

  it("drops an undeclared __proto__ key as zod does, without touching any prototype", () => {
    const text =
      '{"__proto__":{"polluted":1},"id":"c","object":"chat.completion","created":1,"model":"m",' +
      '"choices":[{"__proto__":{"p":1},"index":0,"message":{"role":"assistant","content":"a"},"finish_reason":"stop"}]}';
    expect(expectSameAsSchema(text)).toBe("hot");
    const hot = hotChatCompletion(normalized(text)) as unknown as Record<string, unknown>;
    expect(hot.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("never accepts a mutation the schema rejects, and matches it on every one it accepts", () => {
    let hot = 0;
    let schema = 0;
    for (const path of paths(BASE)) {
      for (const { json } of REPLACEMENTS) {
        if (expectSameAsSchema(mutated(path, json)) === "hot") hot++;
        else schema++;
      }
    }
    // Both sides were exercised: some mutations stay on the hot shape, others leave it.
    expect(hot).toBeGreaterThan(20);
    expect(schema).toBeGreaterThan(50);
  });

  it("leaves tool calls, logprobs and several choices' oddities to the schema", () => {
    const withTools = structuredClone(BASE) as { choices: { message: Record<string, unknown> }[] };
    withTools.choices[0]!.message.tool_calls = [
      { id: "t", type: "function", function: { name: "f", arguments: "{}" } },
    ];
    expect(hotChatCompletion(normalized(JSON.stringify(withTools)))).toBeUndefined();
    const withLogprobs = structuredClone(BASE) as { choices: Record<string, unknown>[] };
    withLogprobs.choices[0]!.logprobs = { content: [] };
    expect(hotChatCompletion(normalized(JSON.stringify(withLogprobs)))).toBeUndefined();
  });
});

describe("parseOpenAICompletion with the hand-written check", () => {
  const mapError = () => new UpstreamError("mapped", { provider: "openai" });

  it("keeps the schema's error message for a malformed answer", () => {
    const bad = JSON.stringify({ ...BASE, created: "yesterday" });
    expect(() => parseOpenAICompletion(bad, "openai", mapError)).toThrow(
      "openai returned an invalid chat completion at created:",
    );
    const badChoice = JSON.stringify({
      ...BASE,
      choices: [{ index: 0, message: { role: "user", content: "x" } }],
    });
    expect(() => parseOpenAICompletion(badChoice, "openai", mapError)).toThrow(
      "openai returned an invalid chat completion at choices.0.message.role:",
    );
  });

  it("parses tool calls through the schema as before", () => {
    const withTools = structuredClone(BASE) as { choices: { message: Record<string, unknown> }[] };
    withTools.choices[0]!.message.tool_calls = [
      { id: "t", type: "function", function: { name: "f", arguments: "{}" } },
    ];
    const parsed = parseOpenAICompletion(JSON.stringify(withTools), "openai", mapError);
    expect(parsed.choices[0]?.message.tool_calls?.[0]?.function.name).toBe("f");
  });
});
