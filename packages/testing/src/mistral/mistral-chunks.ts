import { mistralCompletionId } from "./mistral-ids.ts";
import { mistralUsage, type MistralCompletionSpec } from "./mistral-completion.ts";

export interface MistralChunksSpec extends Omit<MistralCompletionSpec, "content"> {
  /** Content deltas, one chunk each. */
  content?: readonly string[];
  /** Ends with `[DONE]` unless false. */
  done?: boolean;
}

/**
 * The `data:` payloads of a Mistral stream: a role chunk, content deltas, each tool call whole in
 * its own delta with no `index` and no `type`, and usage on the finish chunk (Mistral sends no
 * separate usage chunk and takes no `stream_options`). Pass the result to `sse()`.
 */
export function mistralChunks(spec: MistralChunksSpec = {}): string[] {
  const head = {
    id: spec.id ?? mistralCompletionId(),
    object: "chat.completion.chunk",
    created: spec.created ?? Math.floor(Date.now() / 1000),
    model: spec.model ?? "mistral-small-2503",
  };
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null, extra = {}) =>
    JSON.stringify({
      ...head,
      choices: [{ index: 0, delta, finish_reason: finishReason }],
      ...extra,
    });
  const toolCalls = spec.toolCalls ?? [];
  const events = [chunk({ role: "assistant", content: "" })];
  for (const piece of spec.content ?? []) events.push(chunk({ content: piece }));
  for (const call of toolCalls) {
    events.push(
      chunk({
        tool_calls: [{ id: call.id, function: { name: call.name, arguments: call.arguments } }],
      }),
    );
  }
  const finish = spec.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop");
  events.push(chunk({ content: "" }, finish, { usage: spec.usage ?? mistralUsage(10, 20) }));
  if (spec.done ?? true) events.push("[DONE]");
  return events;
}
