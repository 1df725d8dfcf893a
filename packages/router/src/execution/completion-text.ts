import type { ChatCompletion } from "@org/core";

/**
 * The generated text of a whole answer, every choice (content, refusal, reasoning, tool-call
 * names and arguments), gathered as a stream's delivered text is (tracked-stream.ts): what a
 * non-streamed answer is charged for when the upstream reports no usage.
 */
export function completionText(completion: ChatCompletion): string {
  const parts: string[] = [];
  for (const choice of completion.choices) {
    const message = choice.message;
    if (typeof message.content === "string") parts.push(message.content);
    if (typeof message.refusal === "string") parts.push(message.refusal);
    if (typeof message.reasoning_content === "string") parts.push(message.reasoning_content);
    for (const call of message.tool_calls ?? []) {
      const fn = call.function as { name?: unknown; arguments?: unknown } | undefined;
      if (typeof fn?.name === "string") parts.push(fn.name);
      if (typeof fn?.arguments === "string") parts.push(fn.arguments);
    }
  }
  return parts.join("");
}
