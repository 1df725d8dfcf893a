import type { CatalogEntry, ModelTable } from "./catalog-entry.ts";
import { ANTHROPIC_MODELS } from "./data/anthropic.ts";
import { AZURE_OVERRIDES } from "./data/azure.ts";
import { BEDROCK_MODELS } from "./data/bedrock.ts";
import { COHERE_MODELS } from "./data/cohere.ts";
import { DEEPSEEK_MODELS } from "./data/deepseek.ts";
import { FIREWORKS_AI_MODELS } from "./data/fireworks-ai.ts";
import { GEMINI_ALIASES, GEMINI_MODELS } from "./data/gemini.ts";
import { GROQ_MODELS } from "./data/groq.ts";
import { MISTRAL_MODELS } from "./data/mistral.ts";
import { OPENAI_MODELS } from "./data/openai.ts";
import { TOGETHER_AI_MODELS } from "./data/together-ai.ts";
import { VERTEX_AI_MODELS } from "./data/vertex-ai.ts";
import { XAI_MODELS } from "./data/xai.ts";

/** A catalog entry found for an id, with the table's provider and key that held it. */
export interface CatalogHit {
  readonly provider: string;
  readonly key: string;
  readonly entry: Readonly<CatalogEntry>;
}

interface Source {
  readonly provider: string;
  readonly table: ModelTable;
  readonly aliases?: Readonly<Record<string, string>>;
}

const openai: Source = { provider: "openai", table: OPENAI_MODELS };
const anthropic: Source = { provider: "anthropic", table: ANTHROPIC_MODELS };
const gemini: Source = { provider: "gemini", table: GEMINI_MODELS, aliases: GEMINI_ALIASES };

/**
 * Which tables answer for each LiteLLM provider prefix, first table first. Azure is OpenAI's
 * table under a few Azure prices; Vertex AI serves Gemini and Claude at the same prices as the
 * Gemini API and Anthropic (as the source records them), plus its own embedding models.
 */
const SOURCES: Readonly<Record<string, readonly Source[]>> = {
  openai: [openai],
  azure: [{ provider: "azure", table: AZURE_OVERRIDES }, openai],
  anthropic: [anthropic],
  gemini: [gemini],
  vertex_ai: [{ provider: "vertex_ai", table: VERTEX_AI_MODELS }, gemini, anthropic],
  bedrock: [{ provider: "bedrock", table: BEDROCK_MODELS }],
  mistral: [{ provider: "mistral", table: MISTRAL_MODELS }],
  cohere: [{ provider: "cohere", table: COHERE_MODELS }],
  cohere_chat: [{ provider: "cohere", table: COHERE_MODELS }],
  groq: [{ provider: "groq", table: GROQ_MODELS }],
  deepseek: [{ provider: "deepseek", table: DEEPSEEK_MODELS }],
  xai: [{ provider: "xai", table: XAI_MODELS }],
  together_ai: [{ provider: "together_ai", table: TOGETHER_AI_MODELS }],
  fireworks_ai: [{ provider: "fireworks_ai", table: FIREWORKS_AI_MODELS }],
};

/** Lower-cased ids, because providers match ids case-insensitively (Together's `Meta-Llama`). */
function buildIndex(sources: readonly Source[]): ReadonlyMap<string, CatalogHit> {
  const index = new Map<string, CatalogHit>();
  for (const { provider, table, aliases } of sources) {
    for (const [key, entry] of Object.entries(table)) {
      const id = key.toLowerCase();
      if (!index.has(id)) index.set(id, { provider, key, entry });
    }
    for (const [alias, key] of Object.entries(aliases ?? {})) {
      const entry = table[key];
      if (entry !== undefined && !index.has(alias)) index.set(alias, { provider, key, entry });
    }
  }
  return index;
}

// Built once at import and never changed: a read-only lookup structure, not shared state.
const INDEXES: ReadonlyMap<string, ReadonlyMap<string, CatalogHit>> = new Map(
  Object.entries(SOURCES).map(([provider, sources]) => [provider, buildIndex(sources)]),
);

/** The index for a provider prefix ("azure", "bedrock"...), or undefined for one we do not price. */
export function catalogIndexFor(provider: string): ReadonlyMap<string, CatalogHit> | undefined {
  return INDEXES.get(provider.toLowerCase());
}

/** The provider prefixes the catalog prices. */
export function catalogProviders(): string[] {
  return [...INDEXES.keys()];
}
