/**
 * What the adapter needs to know about a Claude model from its name alone: a default for the
 * required `max_tokens`, and which thinking controls it takes. Names come in two styles, both
 * with optional date or `-latest` / `@date` suffixes: `claude-<family>-<major>[-<minor>]`
 * (Claude 4 and later: `claude-sonnet-4-5-20250929`, `claude-opus-4-20250514`) and
 * `claude-<major>[-<minor>]-<family>` (Claude 3: `claude-3-7-sonnet-latest`).
 */
export interface ClaudeModel {
  family: string;
  major: number;
  minor: number;
}

const NEW_STYLE = /claude-([a-z]+)-(\d+)(?:[-.](\d{1,2})(?!\d))?(?![\d.])/;
const OLD_STYLE = /claude-(\d+)(?:[-.](\d{1,2})(?!\d))?-([a-z]+)/;

export function parseClaudeModel(model: string): ClaudeModel | undefined {
  const name = model.toLowerCase();
  const old = OLD_STYLE.exec(name);
  if (old) return { family: old[3] ?? "", major: Number(old[1]), minor: Number(old[2] ?? 0) };
  const current = NEW_STYLE.exec(name);
  if (current) {
    return { family: current[1] ?? "", major: Number(current[2]), minor: Number(current[3] ?? 0) };
  }
  return undefined;
}

/** LiteLLM's DEFAULT_ANTHROPIC_CHAT_MAX_TOKENS, for models this table does not know. */
export const FALLBACK_MAX_TOKENS = 4096;

/**
 * The default `max_tokens` when the client sets neither `max_completion_tokens` nor
 * `max_tokens` (Anthropic requires one; OpenAI clients rarely send it). Like LiteLLM, the
 * default is the model's maximum output, taken from Anthropic's model overview pages:
 * Claude 3 Haiku/Opus 4K, Claude 3.5 8K, Sonnet 3.7 / Sonnet 4.x / Opus 4.5 / Haiku 4.5 64K,
 * Opus 4 / 4.1 32K, Opus 4.6 and later Opus 128K. Newer generations (5.x) get 64K: a value
 * below a model's real limit only caps long answers, one above it is a 400 on every call.
 * Unknown names get 4096.
 */
export function defaultMaxTokens(model: string): number {
  const parsed = parseClaudeModel(model);
  if (parsed === undefined) return FALLBACK_MAX_TOKENS;
  const { family, major, minor } = parsed;
  if (major >= 5) return 64_000;
  if (major === 4) {
    if (family === "opus") return minor >= 6 ? 128_000 : minor === 5 ? 64_000 : 32_000;
    return 64_000;
  }
  if (major === 3) {
    if (minor === 7) return 64_000;
    if (minor === 5) return 8192;
    return 4096;
  }
  return FALLBACK_MAX_TOKENS;
}

/**
 * Opus/Sonnet 4.6 and every later generation take `thinking: {type: "adaptive"}` with
 * `output_config.effort`; on them `type: "enabled"` with a budget is deprecated (the SDK warns
 * for Opus 4.6) or refused. Earlier models only know the budget form.
 */
export function supportsAdaptiveThinking(model: string): boolean {
  const parsed = parseClaudeModel(model);
  if (parsed === undefined) return false;
  if (parsed.major >= 5) return true;
  return parsed.major === 4 && parsed.minor >= 6 && parsed.family !== "haiku";
}

/**
 * Per the SDK's parameter docs, models released after Opus 4.6 refuse `temperature` other than
 * 1.0, `top_p` below 0.99 and any `top_k`. We drop them for those models only under
 * `drop_params`; otherwise Anthropic's 400 tells the client.
 */
export function restrictsSamplingParams(model: string): boolean {
  const parsed = parseClaudeModel(model);
  if (parsed === undefined) return false;
  if (parsed.major >= 5) return true;
  return parsed.major === 4 && parsed.family === "opus" && parsed.minor >= 7;
}
