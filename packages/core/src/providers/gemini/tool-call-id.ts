import { mintToolCallId } from "../common/openai-ids.ts";

/**
 * Gemini function calls usually carry no id (and Vertex rejects ids we send back), so the
 * gateway mints OpenAI-style `call_...` ids and pairs tool results with calls by that id.
 *
 * A call may also carry a `thoughtSignature` that must come back on the same `functionCall`
 * part next turn (Gemini 3 answers 400 without it). OpenAI clients only echo `id`, so the
 * signature rides inside it, in LiteLLM's format `call_<random>__thought__<signature>`: a
 * conversation started through LiteLLM keeps working here and the other way round.
 */
export const THOUGHT_SIGNATURE_SEPARATOR = "__thought__";

/**
 * Google's documented placeholder for a replayed Gemini 3 function call whose signature was
 * lost (history written by another provider or by hand).
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

/** The id for one Gemini function call: its own id if it has one, else a minted one. */
export function toolCallIdFor(
  upstreamId: string | undefined,
  thoughtSignature: string | undefined,
): string {
  const base = upstreamId !== undefined && upstreamId !== "" ? upstreamId : mintToolCallId();
  return thoughtSignature ? `${base}${THOUGHT_SIGNATURE_SEPARATOR}${thoughtSignature}` : base;
}

/** The thought signature carried in a tool call id, if any. */
export function thoughtSignatureFromId(id: string): string | undefined {
  const at = id.indexOf(THOUGHT_SIGNATURE_SEPARATOR);
  if (at === -1) return undefined;
  const signature = id.slice(at + THOUGHT_SIGNATURE_SEPARATOR.length);
  return signature === "" ? undefined : signature;
}
