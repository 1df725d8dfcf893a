import type { ResponseIds } from "./response-ids.ts";
import type { ResponseIncompleteDetails, ResponseStatus } from "./response-status.ts";
import type { ResponsesRequest, ResponsesTextFormat } from "./responses-request.ts";
import type { ResponsesUsage } from "./responses-usage.ts";

/** The Response object (`object: "response"`) and the output items this gateway produces. */

export type ResponseItemStatus = "in_progress" | "completed" | "incomplete";

export interface ResponseOutputText {
  type: "output_text";
  annotations: unknown[];
  logprobs: unknown[];
  text: string;
}

export interface ResponseOutputRefusal {
  type: "refusal";
  refusal: string;
}

export interface ResponseReasoningText {
  type: "reasoning_text";
  text: string;
}

export interface ResponseOutputMessage {
  id: string;
  type: "message";
  status: ResponseItemStatus;
  content: Array<ResponseOutputText | ResponseOutputRefusal>;
  role: "assistant";
}

export interface ResponseFunctionCall {
  id: string;
  type: "function_call";
  status: ResponseItemStatus;
  arguments: string;
  call_id: string;
  name: string;
}

/**
 * Chat models' `reasoning_content` is the model's raw reasoning, which the Responses API
 * carries as `reasoning_text` content (as it does for open-weight models); there is no summary.
 */
export interface ResponseReasoningItem {
  id: string;
  type: "reasoning";
  summary: unknown[];
  content: ResponseReasoningText[];
}

export type ResponseOutputItem =
  ResponseOutputMessage | ResponseFunctionCall | ResponseReasoningItem;

/** `error` of a failed response; `code` is one of OpenAI's ResponseError codes. */
export interface ResponseError {
  code: "server_error" | "rate_limit_exceeded";
  message: string;
}

export interface ResponseFunctionToolEcho {
  type: "function";
  name: string;
  description: string | null;
  parameters: Record<string, unknown> | null;
  strict: boolean | null;
}

export interface ResponseObject {
  id: string;
  object: "response";
  created_at: number;
  status: ResponseStatus;
  background: boolean;
  completed_at?: number;
  error: ResponseError | null;
  incomplete_details: ResponseIncompleteDetails | null;
  instructions: string | null;
  max_output_tokens: number | null;
  model: string;
  output: ResponseOutputItem[];
  parallel_tool_calls: boolean;
  previous_response_id: string | null;
  reasoning: { effort: string | null; summary: string | null };
  service_tier?: string;
  /** Always false: this gateway does not keep responses (nothing can be retrieved later). */
  store: boolean;
  temperature: number;
  text: { format: ResponsesTextFormat; verbosity?: string };
  tool_choice: NonNullable<ResponsesRequest["tool_choice"]>;
  tools: ResponseFunctionToolEcho[];
  top_p: number;
  truncation: "disabled";
  usage: ResponsesUsage | null;
  user: string | null;
  metadata: Record<string, string>;
}

export interface ResponseObjectFields {
  status: ResponseStatus;
  model: string;
  output: ResponseOutputItem[];
  usage: ResponsesUsage | null;
  incomplete_details?: ResponseIncompleteDetails | null;
  error?: ResponseError | null;
  service_tier?: string | null;
}

/**
 * A Response object: the request's settings echoed (with OpenAI's defaults for what the client
 * left out) around the given status, output and usage. Field order follows OpenAI's.
 */
export function createResponseObject(
  request: ResponsesRequest,
  ids: ResponseIds,
  fields: ResponseObjectFields,
): ResponseObject {
  const text: ResponseObject["text"] = { format: request.text?.format ?? { type: "text" } };
  if (request.text?.verbosity) text.verbosity = request.text.verbosity;
  return {
    id: ids.responseId,
    object: "response",
    created_at: ids.createdAt,
    status: fields.status,
    background: false,
    ...(fields.status === "completed" ? { completed_at: ids.now() } : {}),
    error: fields.error ?? null,
    incomplete_details: fields.incomplete_details ?? null,
    instructions: request.instructions ?? null,
    max_output_tokens: request.max_output_tokens ?? null,
    model: fields.model,
    output: fields.output,
    parallel_tool_calls: request.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: {
      effort: request.reasoning?.effort ?? null,
      summary: request.reasoning?.summary ?? null,
    },
    ...(fields.service_tier ? { service_tier: fields.service_tier } : {}),
    store: false,
    temperature: request.temperature ?? 1,
    text,
    tool_choice: request.tool_choice ?? "auto",
    tools: (request.tools ?? []).map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    top_p: request.top_p ?? 1,
    truncation: "disabled",
    usage: fields.usage,
    user: request.user ?? null,
    metadata: stringEntries(request.metadata),
  };
}

/** The echo keeps OpenAI's shape (string values); LiteLLM's `tags` list is the gateway's. */
function stringEntries(metadata: ResponsesRequest["metadata"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata ?? {}))
    if (typeof value === "string") out[key] = value;
  return out;
}
