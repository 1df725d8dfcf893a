/**
 * The fake's stand-in for a tokenizer: one "token" per word, leading whitespace attached
 * ("echo: hi there" -> "echo:", " hi", " there"). Joining the pieces gives the text back, so a
 * stream of them reassembles exactly, and tests can predict counts without a real tokenizer.
 */
export function fakeTokenPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

export function fakeTokenCount(text: string): number {
  return fakeTokenPieces(text).length;
}
