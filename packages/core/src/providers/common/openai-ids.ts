/**
 * The OpenAI-shaped ids and timestamps every adapter puts on a converted answer. One place, so
 * every provider's answers carry the same `chatcmpl-` / `call_` shapes and a fix reaches all.
 */

const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/**
 * The OpenAI id of an answer: `chatcmpl-` + the upstream's own id (Anthropic's `msg_...`,
 * Cohere's generation id, Gemini's responseId), so logs can be matched to the provider's, or
 * the gateway's call id when the upstream sent none (stable across a stream either way).
 */
export function completionId(upstreamId: string | null | undefined, callId: string): string {
  const base =
    upstreamId !== undefined && upstreamId !== null && upstreamId !== "" ? upstreamId : callId;
  return base.startsWith("chatcmpl-") ? base : `chatcmpl-${base}`;
}

/**
 * An upstream id in legacy-completion form (`cmpl-e5cc...`, or bare hex: Mistral) as
 * `chatcmpl-...`, which clients of a chat endpoint expect. An empty id stays empty.
 */
export function chatCompletionIdFromCmpl(id: string): string {
  if (id === "" || id.startsWith("chatcmpl-")) return id;
  return `chatcmpl-${id.replace(/^cmpl-/, "")}`;
}

/** Unix seconds, the unit of OpenAI's `created`. */
export function nowSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}

/**
 * An OpenAI-style `call_...` id for a tool call the upstream sent without one (Gemini, older
 * Ollama): OpenAI clients pair tool results with calls by id.
 */
export function mintToolCallId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  let id = "call_";
  for (const byte of bytes) id += ID_ALPHABET[byte % ID_ALPHABET.length];
  return id;
}

/** The id, timestamp and model name a converted answer carries. */
export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
}

/**
 * Identity for an answer whose upstream id is the same on every event of one stream (Gemini's
 * `responseId`). `model` is the deployment's model name, so clients see the name they configured.
 */
export function responseIdentity(
  upstreamId: string | undefined,
  callId: string,
  model: string,
  now: number = Date.now(),
): ResponseIdentity {
  return { id: completionId(upstreamId, callId), created: nowSeconds(now), model };
}
