import type { FinishReason } from "../../openai/chat-response.ts";

export type ResponseStatus = "completed" | "incomplete" | "failed" | "in_progress";

export interface ResponseIncompleteDetails {
  reason: "max_output_tokens" | "content_filter";
}

/**
 * A finished response's status from the chat finish reason: a cut-off answer is `incomplete`
 * with the reason OpenAI gives for it, anything else is `completed`.
 */
export function toResponseStatus(finishReason: FinishReason | null | undefined): {
  status: "completed" | "incomplete";
  incomplete_details: ResponseIncompleteDetails | null;
} {
  if (finishReason === "length") {
    return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  }
  if (finishReason === "content_filter") {
    return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  }
  return { status: "completed", incomplete_details: null };
}
