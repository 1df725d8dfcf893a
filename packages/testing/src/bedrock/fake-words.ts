/** The fake's token count: one token per whitespace-separated word, so tests can predict it. */
export function fakeWordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word !== "").length;
}
