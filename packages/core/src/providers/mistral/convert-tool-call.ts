import { isRecord } from "../../util/is-record.ts";

/**
 * A Mistral tool call as OpenAI writes it: `type: "function"` (Mistral often leaves it out) and
 * `arguments` as a JSON string (Mistral's schema also allows an object). Absent arguments are
 * `"{}"`, never missing: clients parse them.
 */
export function toOpenAIToolCall(call: unknown): unknown {
  if (!isRecord(call) || !isRecord(call.function)) return call;
  const args = call.function.arguments;
  return {
    ...call,
    type: "function",
    function: {
      ...call.function,
      arguments: typeof args === "string" ? args : args === undefined ? "{}" : JSON.stringify(args),
    },
  };
}
