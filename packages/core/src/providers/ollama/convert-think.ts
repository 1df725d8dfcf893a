import type { ChatCompletionRequest } from "../../openai/chat-request.ts";
import type { OllamaThink } from "./wire-schemas.ts";

/**
 * `reasoning_effort` to Ollama's `think`. gpt-oss only understands levels (`true`/`false` are
 * ignored for it), so it gets `low`/`medium`/`high` (`minimal` is `low`, `xhigh` is `high`);
 * other thinking models take a boolean on every Ollama version, so they get `true`, and `none`
 * is `false` for all. Unset sends nothing (the model's default).
 */
export function convertThink(
  effort: ChatCompletionRequest["reasoning_effort"],
  model: string,
): OllamaThink | undefined {
  if (effort === undefined || effort === null) return undefined;
  if (effort === "none") return false;
  if (!/(^|\/)gpt-oss/.test(model)) return true;
  if (effort === "minimal" || effort === "low") return "low";
  if (effort === "medium") return "medium";
  return "high";
}
