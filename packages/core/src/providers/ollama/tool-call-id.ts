const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Ollama tool calls usually have no id (newer builds add one), but OpenAI clients pair tool
 * results with calls by id, so the gateway mints OpenAI-style `call_...` ids. The id is sent
 * back as `tool_call_id` on the tool result, and the tool's name as `tool_name`, which is what
 * Ollama itself matches on.
 */
export function toolCallIdFor(upstreamId: string | null | undefined): string {
  if (upstreamId !== undefined && upstreamId !== null && upstreamId !== "") return upstreamId;
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let id = "call_";
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}
