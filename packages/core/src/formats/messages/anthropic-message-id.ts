/**
 * An Anthropic-style message id for an OpenAI completion id: a completion made by this
 * gateway's Anthropic adapter (`chatcmpl-msg_...`) gets its original id back; any other id is
 * prefixed with `msg_`, since clients may check the prefix.
 */
export function toAnthropicMessageId(completionId: string): string {
  if (completionId.startsWith("chatcmpl-msg_")) return completionId.slice("chatcmpl-".length);
  if (completionId.startsWith("msg_")) return completionId;
  return `msg_${completionId.replace(/^chatcmpl-/, "")}`;
}
