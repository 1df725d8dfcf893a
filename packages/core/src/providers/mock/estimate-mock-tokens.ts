/**
 * Approximate token count for mocked usage: one token per 4 characters (code points), rounded
 * up, OpenAI's rule of thumb for English. Deliberately not a tokenizer: mocks must be cheap,
 * and load tests only need usage that grows with the text. (LiteLLM reports a fixed 10/20.)
 */
export function estimateMockTokens(text: string): number {
  let codePoints = 0;
  for (const _ of text) codePoints++;
  return Math.ceil(codePoints / 4);
}

/** The text of every message (string content and text parts) for a prompt estimate. */
export function promptTextOf(messages: unknown): string {
  if (!Array.isArray(messages)) return "";
  const texts: string[] = [];
  for (const message of messages as unknown[]) {
    if (typeof message !== "object" || message === null) continue;
    const content = (message as { content?: unknown }).content;
    if (typeof content === "string") texts.push(content);
    else if (Array.isArray(content)) {
      for (const part of content as unknown[]) {
        const text = (part as { text?: unknown } | null)?.text;
        if (typeof text === "string") texts.push(text);
      }
    }
  }
  return texts.join("\n");
}
