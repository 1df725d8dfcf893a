import { DEFAULT_IMAGE_RULE, type ImageTokenRule } from "./image-tokens.ts";
import type { TiktokenEncodingName } from "./tiktoken-encodings.ts";

/** Whose tokens to count: the LiteLLM provider prefix and the provider's model id. */
export interface TokenizerTarget {
  provider: string;
  model: string;
}

/**
 * How to count for a target. OpenAI models are counted exactly with their own tiktoken encoding
 * (`factor` 1, `exact`). Other providers do not publish their tokenizers (or ship them as large
 * vocabularies we do not carry), so their counts are the o200k_base count times a factor: an
 * estimate for context checks and budget reservations, never for bills (bills use the usage the
 * provider reports).
 */
export interface TokenizerProfile {
  encoding: TiktokenEncodingName;
  factor: number;
  exact: boolean;
  images: ImageTokenRule;
}

const OPENAI_PROVIDERS = new Set([
  "openai",
  "azure",
  "custom_openai",
  "openai_compatible",
  "text-completion-openai",
]);
const OPENAI_MODEL = /^(?:gpt-|chatgpt-|o\d|codex-|text-embedding-3|text-embedding-ada|ft:)/;
/** Before gpt-4o, OpenAI models used cl100k_base; every later one (4o, 4.1, 4.5, o-series, 5) o200k_base. */
const CL100K_MODEL =
  /^(?:ft:)?(?:gpt-4(?!o|\.)|gpt-3\.5|gpt-35|text-embedding-3|text-embedding-ada-002)/;

/**
 * Rough tokens-per-o200k-token ratios for English prose, rounded up so estimates err on the
 * high side. Claude: Anthropic's tokenizer yields noticeably more tokens than o200k_base on the
 * same text (~15-30%, more for code); Anthropic says Opus 4.7 and later use a tokenizer that may
 * produce up to 35% more again. The open-weight families (Llama 3+, Qwen, DeepSeek, Mistral's
 * Tekken) use 100K-250K BPE vocabularies close to o200k_base in efficiency. Unknown families get
 * the most cautious factor.
 */
const FAMILY_FACTORS: ReadonlyArray<readonly [RegExp, number]> = [
  [/claude-(?:opus|sonnet|haiku|fable)-(?:[5-9]|4-(?:[7-9]|1\d))(?!\d)/, 1.7],
  [/claude/, 1.25],
  [/gemini|gemma/, 1.1],
  [/llama|qwen|deepseek|kimi|glm|grok|gpt-oss|command|embed-/, 1.15],
  [/mistral|mixtral|ministral|magistral|codestral|devstral|pixtral/, 1.15],
];
const DEFAULT_FACTOR = 1.25;

/** OpenAI's per-model image rules (see `ImageTokenRule`), from OpenAI's vision pricing docs. */
function openaiImageRule(model: string): ImageTokenRule {
  if (/gpt-4o-mini/.test(model)) return { kind: "tiles", base: 2833, perTile: 5667 };
  if (/gpt-4\.1-nano|gpt-5(?:\.\d+)?-nano/.test(model)) {
    return { kind: "patches", multiplier: 2.46, maxPatches: 1536 };
  }
  if (/gpt-4\.1-mini|gpt-5(?:\.\d+)?-mini/.test(model)) {
    return { kind: "patches", multiplier: 1.62, maxPatches: 1536 };
  }
  if (/o4-mini|codex-mini/.test(model))
    return { kind: "patches", multiplier: 1.72, maxPatches: 1536 };
  if (/^o[13](?!-mini)/.test(model)) return { kind: "tiles", base: 75, perTile: 150 };
  if (/^gpt-5/.test(model)) return { kind: "tiles", base: 70, perTile: 140 };
  return DEFAULT_IMAGE_RULE;
}

/** The model id without provider, route or region prefixes, lower-cased. */
function bareModel(provider: string, model: string): string {
  let id = model.trim().toLowerCase();
  const prefix = `${provider.toLowerCase()}/`;
  if (id.startsWith(prefix)) id = id.slice(prefix.length);
  return id
    .replace(/^(?:converse|invoke)\//, "")
    .replace(/^(?:us|us-gov|eu|apac|jp|au|ca|global)\./, "");
}

const MAX_CACHED_PROFILES = 1024;
/**
 * Profiles already worked out, by provider and model: every request is counted for the same few
 * targets (the gateway's is constant), and the dozen regexes below ran on each count. Bounded,
 * emptied when full; profiles are pure functions of the target.
 */
const profiles = new Map<string, TokenizerProfile>();

export function tokenizerProfile(target: TokenizerTarget): TokenizerProfile {
  const key = `${target.provider}\u0000${target.model}`;
  let profile = profiles.get(key);
  if (profile === undefined) {
    profile = Object.freeze(profileOf(target));
    if (profiles.size >= MAX_CACHED_PROFILES) profiles.clear();
    profiles.set(key, profile);
  }
  return profile;
}

function profileOf({ provider, model }: TokenizerTarget): TokenizerProfile {
  const id = bareModel(provider, model);
  // A provider's own id may carry an organisation ("openai/gpt-oss-120b" on Groq).
  const name = id.slice(id.lastIndexOf("/") + 1);
  if (OPENAI_MODEL.test(name) && !name.startsWith("gpt-oss")) {
    return {
      encoding: CL100K_MODEL.test(name) ? "cl100k_base" : "o200k_base",
      factor: 1,
      exact: true,
      images: openaiImageRule(name),
    };
  }
  if (OPENAI_PROVIDERS.has(provider.toLowerCase())) {
    // An Azure deployment name or a self-hosted model: o200k_base is the best guess we have.
    return { encoding: "o200k_base", factor: 1, exact: false, images: DEFAULT_IMAGE_RULE };
  }
  const factor = FAMILY_FACTORS.find(([pattern]) => pattern.test(id))?.[1] ?? DEFAULT_FACTOR;
  const images: ImageTokenRule = /claude/.test(id)
    ? { kind: "anthropic" }
    : /gemini|gemma/.test(id)
      ? { kind: "gemini" }
      : DEFAULT_IMAGE_RULE;
  return { encoding: "o200k_base", factor, exact: false, images };
}
