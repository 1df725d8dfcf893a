/** `chatcmpl-abc` becomes `cmpl-abc`, the prefix legacy completion ids have. */
export function toCompletionId(chatId: string): string {
  if (chatId.startsWith("chatcmpl-")) return `cmpl-${chatId.slice("chatcmpl-".length)}`;
  if (chatId.startsWith("cmpl-")) return chatId;
  return `cmpl-${chatId}`;
}
