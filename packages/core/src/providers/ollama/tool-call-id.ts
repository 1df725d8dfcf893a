import { mintToolCallId } from "../common/openai-ids.ts";

/**
 * Ollama tool calls usually have no id (newer builds add one), but OpenAI clients pair tool
 * results with calls by id, so the gateway mints OpenAI-style `call_...` ids. The id is sent
 * back as `tool_call_id` on the tool result, and the tool's name as `tool_name`, which is what
 * Ollama itself matches on.
 */
export function toolCallIdFor(upstreamId: string | null | undefined): string {
  if (upstreamId !== undefined && upstreamId !== null && upstreamId !== "") return upstreamId;
  return mintToolCallId();
}
