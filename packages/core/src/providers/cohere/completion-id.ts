/**
 * The OpenAI id of a Cohere answer: `chatcmpl-` + Cohere's generation id (a UUID), so logs can
 * be matched with Cohere's, or the gateway's call id when the upstream sent none.
 */
export function completionId(cohereId: string | null | undefined, callId: string): string {
  if (cohereId !== undefined && cohereId !== null && cohereId !== "") {
    return `chatcmpl-${cohereId}`;
  }
  return callId.startsWith("chatcmpl-") ? callId : `chatcmpl-${callId}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
