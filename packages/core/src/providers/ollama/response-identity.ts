/**
 * Ollama answers carry no id: every chunk of one answer gets `chatcmpl-<call id>`. `created` is
 * Ollama's `created_at` in seconds (it has nanosecond digits, which Date.parse may not take,
 * so the fraction is cut), or now.
 */
export function completionId(callId: string): string {
  return callId.startsWith("chatcmpl-") ? callId : `chatcmpl-${callId}`;
}

export function createdSeconds(createdAt: string | undefined, now: number = Date.now()): number {
  if (createdAt !== undefined) {
    const parsed = Date.parse(createdAt.replace(/(\.\d{3})\d+/, "$1"));
    if (!Number.isNaN(parsed)) return Math.floor(parsed / 1000);
  }
  return Math.floor(now / 1000);
}
