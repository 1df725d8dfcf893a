import type { FakeReply } from "../fake-server/fake-response.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import { sse } from "../fake-server/sse.ts";
import { sseEvent } from "../fake-server/sse-event.ts";
import { argumentsText, finishReasonOf, type CohereAnswerSpec } from "./cohere-answer.ts";
import { cohereGenerationId, cohereToolCallId } from "./cohere-ids.ts";
import { cohereUsage } from "./cohere-usage.ts";

/**
 * One Cohere stream event: `event: <type>` then `data: {"type": "<type>", ...}`, the framing
 * of the v2 chat stream (the `type` is repeated inside the JSON).
 */
export function cohereEvent(type: string, payload: Record<string, unknown> = {}): string {
  return sseEvent(JSON.stringify({ type, ...payload }), { event: type });
}

function pieces(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value !== "string") return [...value];
  return value.match(/\s*\S+|\s+$/g) ?? (value === "" ? [] : [value]);
}

/** Splits tool arguments into about three fragments, as Cohere streams them. */
function fragments(text: string): string[] {
  if (text.length < 6) return [text];
  const third = Math.ceil(text.length / 3);
  return [text.slice(0, third), text.slice(third, 2 * third), text.slice(2 * third)];
}

/**
 * The event texts of one streamed answer, in Cohere's order: `message-start`; a `thinking`
 * block; `tool-plan-delta`s and `tool-call-start`/`-delta`/`-end` per call (the index counts
 * calls), or `content-start`/`content-delta`s/`content-end` for the text (indexes count content
 * blocks); then `message-end` with the finish reason and usage.
 */
export function cohereStreamEvents(spec: CohereAnswerSpec): string[] {
  const events: string[] = [
    cohereEvent("message-start", {
      id: spec.id ?? cohereGenerationId(),
      delta: {
        message: { role: "assistant", content: [], tool_plan: "", tool_calls: [], citations: [] },
      },
    }),
  ];
  let block = 0;
  const thinking = pieces(spec.thinking);
  if (thinking.length > 0) {
    events.push(
      cohereEvent("content-start", {
        index: block,
        delta: { message: { content: { type: "thinking", thinking: "" } } },
      }),
      ...thinking.map((piece) =>
        cohereEvent("content-delta", {
          index: block,
          delta: { message: { content: { thinking: piece } } },
        }),
      ),
      cohereEvent("content-end", { index: block }),
    );
    block += 1;
  }
  for (const piece of pieces(spec.toolPlan)) {
    events.push(cohereEvent("tool-plan-delta", { delta: { message: { tool_plan: piece } } }));
  }
  (spec.toolCalls ?? []).forEach((call, index) => {
    events.push(
      cohereEvent("tool-call-start", {
        index,
        delta: {
          message: {
            tool_calls: {
              id: call.id ?? cohereToolCallId(call.name),
              type: "function",
              function: { name: call.name, arguments: "" },
            },
          },
        },
      }),
      ...fragments(argumentsText(call.arguments)).map((fragment) =>
        cohereEvent("tool-call-delta", {
          index,
          delta: { message: { tool_calls: { function: { arguments: fragment } } } },
        }),
      ),
      cohereEvent("tool-call-end", { index }),
    );
  });
  if (spec.text !== undefined) {
    events.push(
      cohereEvent("content-start", {
        index: block,
        delta: { message: { content: { type: "text", text: "" } } },
      }),
      ...pieces(spec.text).map((piece) =>
        cohereEvent("content-delta", {
          index: block,
          delta: { message: { content: { text: piece } } },
          logprobs: null,
        }),
      ),
      cohereEvent("content-end", { index: block }),
    );
  }
  events.push(
    cohereEvent("message-end", {
      delta: { finish_reason: finishReasonOf(spec), usage: spec.usage ?? cohereUsage(1, 1) },
    }),
  );
  return events;
}

/** A `message-end` that reports a failed generation (Cohere's mid-stream error). */
export function cohereStreamError(
  message = "an internal error occurred during generation",
): string {
  return cohereEvent("message-end", { delta: { error: message, finish_reason: "ERROR" } });
}

/** A Cohere `text/event-stream` reply made of event texts (see cohereEvent). */
export function cohereSse(events: readonly string[], options: ReplyOptions = {}): FakeReply {
  return sse(events, { contentType: "text/event-stream", ...options });
}

/** A whole streamed answer. */
export function cohereChatStream(spec: CohereAnswerSpec, options: ReplyOptions = {}): FakeReply {
  return cohereSse(cohereStreamEvents(spec), options);
}
