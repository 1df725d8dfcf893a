import OpenAI from "openai";
import { describe, expect, it } from "vitest";
import type { FakeServer, ResponderLike } from "@org/testing";

/** A 1x1 PNG: small enough to spot in any upstream body. */
export const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

export const weatherTool = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: {
      type: "object",
      properties: { city: { type: "string" } },
      required: ["city"],
    },
  },
};

export const weatherSchema = {
  type: "object",
  properties: { city: { type: "string" }, temperature: { type: "number" } },
  required: ["city", "temperature"],
  additionalProperties: false,
};

/** One provider behind the running gateway, and how to script its failures. */
export interface ProviderCase {
  name: string;
  /** The gateway model_name of a working deployment. */
  model: string;
  /** A gateway model_name whose deployment holds a credential the fake rejects. */
  badCredentialModel: string;
  /** The status the client gets for the rejected credential (and its SDK error class). */
  badCredentialStatus: 401 | 403;
  upstream: () => FakeServer;
  client: () => OpenAI;
  /** One failure the router retries (429, 529 or 503 in the provider's own format). */
  retryableError: () => ResponderLike;
  /** The path of chat calls on the fake (to count attempts). */
  chatPath: string;
  /**
   * For fakes that do not call tools by themselves (the OpenAI fake serving the compatible
   * family): script the tool call answering the first request of the round trip.
   */
  scriptToolCall?: () => void;
  /**
   * For fakes that call a named tool again even after its result (Azure, Mistral, the OpenAI
   * fake): script the final answer, which must quote the tool result "sunny, 24C".
   */
  scriptToolAnswer?: () => void;
  /** Like `scriptToolCall`, for the streamed tool call. */
  scriptStreamedToolCall?: () => void;
}

/**
 * A `reply` for the OpenAI-style fakes (OpenAI, Azure, Mistral), which otherwise echo the
 * prompt: JSON matching `weatherSchema` when a json_schema response_format is asked for.
 */
export function jsonAwareReply(body: Record<string, unknown>): string {
  const format = body["response_format"] as { type?: unknown } | undefined;
  if (format?.type === "json_schema" || format?.type === "json_object") {
    return JSON.stringify({ city: "Paris", temperature: 21 });
  }
  const messages = Array.isArray(body["messages"]) ? (body["messages"] as unknown[]) : [];
  const last = [...messages]
    .reverse()
    .find((m): m is { role: string; content: unknown } => isUser(m));
  return `echo: ${textOf(last?.content)}`;
}

function isUser(message: unknown): boolean {
  return (
    typeof message === "object" &&
    message !== null &&
    (message as { role?: unknown }).role === "user"
  );
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((part: { type?: unknown; text?: unknown }) =>
      part.type === "text" && typeof part.text === "string" ? part.text : "",
    )
    .filter((text) => text !== "")
    .join(" ");
}

const text = (completion: OpenAI.ChatCompletion) => completion.choices[0]?.message.content ?? "";

/**
 * The same checks for every provider, through the official OpenAI SDK: a text answer, a stream,
 * a tool call round trip, an image, JSON schema output, a rejected credential, and a retried
 * failure. The fakes answer by default (echoing the prompt, calling the tool a prompt names,
 * quoting tool results), so only failures are scripted.
 */
export function describeProviderConformance(c: ProviderCase): void {
  describe(`${c.name} through the gateway`, () => {
    it("answers a text completion", async () => {
      const completion = await c.client().chat.completions.create({
        model: c.model,
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "hello gateway" },
        ],
      });
      expect(completion.object).toBe("chat.completion");
      expect(text(completion)).toContain("hello gateway");
      expect(completion.choices[0]?.finish_reason).toBe("stop");
      expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
      expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    });

    it("streams a completion with usage", async () => {
      const stream = await c.client().chat.completions.create({
        model: c.model,
        messages: [{ role: "user", content: "stream these words" }],
        stream: true,
        stream_options: { include_usage: true },
      });
      let content = "";
      let finish: string | null | undefined;
      let usage: OpenAI.CompletionUsage | null | undefined;
      let chunks = 0;
      for await (const chunk of stream) {
        chunks++;
        if (chunk.choices.length > 0) expect(chunk.object).toBe("chat.completion.chunk");
        content += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
        usage = chunk.usage ?? usage;
      }
      expect(chunks).toBeGreaterThan(2);
      expect(content).toContain("stream these words");
      expect(finish).toBe("stop");
      expect(usage?.completion_tokens).toBeGreaterThan(0);
    });

    it("round-trips a tool call: call, tool result, final answer", async () => {
      const question = { role: "user" as const, content: "Call get_weather for Paris" };
      c.scriptToolCall?.();
      const first = await c.client().chat.completions.create({
        model: c.model,
        messages: [question],
        tools: [weatherTool],
      });
      const choice = first.choices[0];
      expect(choice?.finish_reason).toBe("tool_calls");
      const call = choice?.message.tool_calls?.[0];
      if (call?.type !== "function") throw new Error("expected a function tool call");
      expect(call.function.name).toBe("get_weather");
      expect(call.id).not.toBe("");
      expect(JSON.parse(call.function.arguments)).toBeTypeOf("object");

      c.scriptToolAnswer?.();
      const second = await c.client().chat.completions.create({
        model: c.model,
        messages: [
          question,
          { role: "assistant", content: choice?.message.content ?? null, tool_calls: [call] },
          { role: "tool", tool_call_id: call.id, content: "sunny, 24C" },
        ],
        tools: [weatherTool],
      });
      expect(second.choices[0]?.finish_reason).toBe("stop");
      expect(text(second)).toContain("sunny, 24C");
      // The result went upstream in the provider's own tool-result form.
      expect(c.upstream().requests.at(-1)?.body).toContain("sunny, 24C");
    });

    it("streams a tool call", async () => {
      c.scriptStreamedToolCall?.();
      const stream = await c.client().chat.completions.create({
        model: c.model,
        messages: [{ role: "user", content: "Call get_weather for Paris" }],
        tools: [weatherTool],
        stream: true,
      });
      const calls = new Map<number, { id: string; name: string; args: string }>();
      let finish: string | null | undefined;
      for await (const chunk of stream) {
        for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
          const call = calls.get(delta.index) ?? { id: "", name: "", args: "" };
          call.id ||= delta.id ?? "";
          call.name ||= delta.function?.name ?? "";
          call.args += delta.function?.arguments ?? "";
          calls.set(delta.index, call);
        }
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      expect(finish).toBe("tool_calls");
      expect([...calls.values()]).toEqual([
        { id: expect.stringMatching(/\S/), name: "get_weather", args: expect.any(String) },
      ]);
      expect(JSON.parse(calls.get(0)?.args ?? "")).toBeTypeOf("object");
    });

    it("sends an image given as a data URL", async () => {
      const completion = await c.client().chat.completions.create({
        model: c.model,
        messages: [
          {
            role: "user",
            content: [
              { type: "text", text: "describe this picture" },
              { type: "image_url", image_url: { url: `data:image/png;base64,${PNG_BASE64}` } },
            ],
          },
        ],
      });
      expect(text(completion)).toContain("describe this picture");
      // The upstream got the image bytes in its own format.
      expect(c.upstream().requests.at(-1)?.body).toContain(PNG_BASE64);
    });

    it("answers JSON for a json_schema response_format", async () => {
      const completion = await c.client().chat.completions.create({
        model: c.model,
        messages: [{ role: "user", content: "weather in Paris as JSON" }],
        response_format: {
          type: "json_schema",
          json_schema: { name: "weather", schema: weatherSchema, strict: true },
        },
      });
      expect(completion.choices[0]?.finish_reason).toBe("stop");
      const parsed: unknown = JSON.parse(text(completion));
      expect(parsed).toBeTypeOf("object");
      // The schema itself reached the upstream (its field names are in the body).
      expect(c.upstream().requests.at(-1)?.body).toContain("temperature");
    });

    it(`maps a rejected upstream credential to ${c.badCredentialStatus}`, async () => {
      const error = await c
        .client()
        .chat.completions.create({
          model: c.badCredentialModel,
          messages: [{ role: "user", content: "hi" }],
        })
        .catch((e: unknown) => e);
      const expected =
        c.badCredentialStatus === 401 ? OpenAI.AuthenticationError : OpenAI.PermissionDeniedError;
      expect(error).toBeInstanceOf(expected);
      const apiError = error as InstanceType<typeof OpenAI.APIError>;
      expect(apiError.status).toBe(c.badCredentialStatus);
      // OpenAI's envelope, with no upstream credential in the message.
      expect(apiError.error).toMatchObject({
        message: expect.any(String),
        type: expect.any(String),
      });
      expect(apiError.message).not.toMatch(/sk-|AKIA|AIza|ya29/);
    });

    it("retries a retryable upstream failure and then succeeds", async () => {
      const upstream = c.upstream();
      const before = upstream.callCount(c.chatPath);
      upstream.enqueue(c.retryableError());
      const { data, response } = await c
        .client()
        .chat.completions.create({
          model: c.model,
          messages: [{ role: "user", content: "try again please" }],
        })
        .withResponse();
      expect(text(data)).toContain("try again please");
      expect(upstream.callCount(c.chatPath) - before).toBe(2);
      expect(response.headers.get("x-litellm-attempted-retries")).toBe("1");
    });
  });
}
