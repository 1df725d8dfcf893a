import type { CohereUsage } from "./cohere-usage.ts";

export interface CohereToolCallSpec {
  /** Default: a Cohere-style `<name>_<12 chars>` id. */
  id?: string;
  name: string;
  /** An object is serialised; a string is sent as is. */
  arguments?: string | Record<string, unknown>;
}

/** What one scripted Cohere answer says; the builders turn it into a body or an event stream. */
export interface CohereAnswerSpec {
  /** Default: a fresh UUID. */
  id?: string;
  /** Text content; in a stream, one `content-delta` per piece when given as an array. */
  text?: string | readonly string[];
  /** Reasoning, sent as a `thinking` content block before the text. */
  thinking?: string | readonly string[];
  /** The text Cohere writes before tool calls. */
  toolPlan?: string | readonly string[];
  toolCalls?: readonly CohereToolCallSpec[];
  /** Default: `TOOL_CALL` with tool calls, else `COMPLETE`. */
  finishReason?: string;
  usage?: CohereUsage;
}

export function joined(value: string | readonly string[] | undefined): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : value.join("");
}

export function argumentsText(args: CohereToolCallSpec["arguments"]): string {
  if (args === undefined) return "{}";
  return typeof args === "string" ? args : JSON.stringify(args);
}

export function finishReasonOf(spec: CohereAnswerSpec): string {
  return spec.finishReason ?? ((spec.toolCalls?.length ?? 0) > 0 ? "TOOL_CALL" : "COMPLETE");
}
