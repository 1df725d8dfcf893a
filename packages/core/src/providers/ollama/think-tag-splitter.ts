const OPEN = "<think>";
const CLOSE = "</think>";

export interface SplitText {
  content: string;
  reasoning: string;
}

/**
 * Older Ollama builds (and models run without `think`) put the reasoning trace inside
 * `content` as `<think>...</think>` at the very start of the answer. This splits it out as
 * `reasoning_content`, as LiteLLM does. It works on a stream: a tag cut between two deltas is
 * held back until it is complete, and content that does not open with `<think>` passes through.
 */
export class ThinkTagSplitter {
  #mode: "start" | "thinking" | "content" = "start";
  #pending = "";
  /** Whitespace after `</think>` is layout, not answer text. */
  #trimNext = false;

  feed(text: string): SplitText {
    const out: SplitText = { content: "", reasoning: "" };
    this.#pending += text;
    for (;;) {
      if (this.#mode === "start") {
        const trimmed = this.#pending.trimStart();
        if (trimmed === "" || (trimmed.length < OPEN.length && OPEN.startsWith(trimmed))) {
          return out;
        }
        if (trimmed.startsWith(OPEN)) {
          this.#mode = "thinking";
          this.#pending = trimmed.slice(OPEN.length);
          continue;
        }
        this.#mode = "content";
        continue;
      }
      if (this.#mode === "thinking") {
        const at = this.#pending.indexOf(CLOSE);
        if (at !== -1) {
          out.reasoning += this.#pending.slice(0, at);
          this.#pending = this.#pending.slice(at + CLOSE.length);
          this.#mode = "content";
          this.#trimNext = true;
          continue;
        }
        const keep = partialSuffix(this.#pending, CLOSE);
        out.reasoning += this.#pending.slice(0, this.#pending.length - keep);
        this.#pending = this.#pending.slice(this.#pending.length - keep);
        return out;
      }
      let text = this.#pending;
      this.#pending = "";
      if (this.#trimNext) {
        text = text.trimStart();
        if (text !== "") this.#trimNext = false;
      }
      out.content += text;
      return out;
    }
  }

  /** What is still held back when the answer ends. */
  flush(): SplitText {
    const rest = this.#pending;
    this.#pending = "";
    if (this.#mode === "thinking") return { content: "", reasoning: rest };
    return { content: this.#trimNext ? rest.trimStart() : rest, reasoning: "" };
  }
}

/** Length of the longest suffix of `text` that is a proper prefix of `tag`. */
function partialSuffix(text: string, tag: string): number {
  for (let length = Math.min(tag.length - 1, text.length); length > 0; length--) {
    if (text.endsWith(tag.slice(0, length))) return length;
  }
  return 0;
}
