/**
 * The OpenAI id for an Anthropic message: `chatcmpl-` + Anthropic's `msg_...` id, so logs can
 * be matched to Anthropic's, or the gateway's call id when the upstream sent none.
 */
export function completionId(messageId: string | undefined, callId: string): string {
  if (messageId !== undefined && messageId !== "") return `chatcmpl-${messageId}`;
  return callId.startsWith("chatcmpl-") ? callId : `chatcmpl-${callId}`;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
