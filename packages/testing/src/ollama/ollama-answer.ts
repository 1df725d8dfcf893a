export interface OllamaToolCallSpec {
  name: string;
  arguments?: Record<string, unknown>;
  /** Newer builds send an id; older ones none (the default). */
  id?: string;
}

/** What one scripted Ollama chat answer says; the builders turn it into a body or NDJSON lines. */
export interface OllamaAnswerSpec {
  /** Default `llama3.2`. */
  model?: string;
  /** The answer text; in a stream, one line per piece when given as an array. */
  text?: string | readonly string[];
  /** `message.thinking`; streamed before the text, one line per piece. */
  thinking?: string | readonly string[];
  /** Each sent whole, in one line, as Ollama does. */
  toolCalls?: readonly OllamaToolCallSpec[];
  /** Default `stop` (also with tool calls: Ollama keeps `stop`). */
  doneReason?: string;
  /** Omitted from the body when 0, as Ollama does (`omitempty`). */
  promptEvalCount?: number;
  evalCount?: number;
}

export function pieces(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value !== "string") return [...value];
  return value.match(/\s*\S+|\s+$/g) ?? [];
}

export function joined(value: string | readonly string[] | undefined): string {
  if (value === undefined) return "";
  return typeof value === "string" ? value : value.join("");
}
