/**
 * The fake's stand-in for a tokenizer: one "token" per word with its leading whitespace, so the
 * pieces join back to the exact text and tests can predict counts.
 */
export function fakeTokenPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export function fakeTokenCount(text: string): number {
  return fakeTokenPieces(text).length;
}
