/**
 * The id, timestamp and model name a converted Gemini answer carries. Gemini's `responseId` is
 * the same on every event of one stream, so it makes a stable `chatcmpl-` id; without one the
 * gateway's call id is used. `model` is the deployment's model name (the provider's name for
 * it), not `modelVersion`, so clients see the name they configured.
 */
export interface ResponseIdentity {
  id: string;
  created: number;
  model: string;
}

export function responseIdentity(
  responseId: string | undefined,
  callId: string,
  model: string,
  now: number = Date.now(),
): ResponseIdentity {
  const base = responseId !== undefined && responseId !== "" ? responseId : callId;
  return {
    id: base.startsWith("chatcmpl-") ? base : `chatcmpl-${base}`,
    created: Math.floor(now / 1000),
    model,
  };
}
