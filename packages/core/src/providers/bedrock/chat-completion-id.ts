/**
 * Converse answers carry no id of their own (only the `x-amzn-requestid` header), so the
 * completion id is derived from the gateway's call id, stable across a stream.
 */
export function chatCompletionId(callId: string): string {
  return callId.startsWith("chatcmpl-") ? callId : `chatcmpl-${callId}`;
}
