import { MistralContentChunkSchema, MistralThinkChunkSchema } from "./wire-schemas.ts";

export interface SplitContent {
  text: string;
  /** The thinking text (magistral), or undefined when there was none. */
  reasoning: string | undefined;
}

/**
 * Magistral answers with `content` as chunks, `[{type:"thinking",thinking:[{type:"text",text}]},
 * {type:"text",text}]`, where OpenAI has a string: the text chunks become `content`, the
 * thinking becomes `reasoning_content` (as LiteLLM maps it).
 */
export function splitMistralContent(chunks: readonly unknown[]): SplitContent {
  let text = "";
  const reasoning: string[] = [];
  for (const raw of chunks) {
    const chunk = MistralContentChunkSchema.safeParse(raw);
    if (!chunk.success) continue;
    if (chunk.data.type === "text" && typeof chunk.data.text === "string") {
      text += chunk.data.text;
      continue;
    }
    const think = MistralThinkChunkSchema.safeParse(chunk.data);
    if (think.success) {
      reasoning.push(think.data.thinking.map((part) => part.text ?? "").join(""));
    }
  }
  return { text, reasoning: reasoning.length > 0 ? reasoning.join("\n") : undefined };
}
