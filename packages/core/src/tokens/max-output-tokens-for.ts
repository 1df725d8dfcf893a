import type { CatalogEntry } from "../catalog/catalog-entry.ts";
import type { ChatCompletionRequest } from "../openai/chat-request.ts";

/**
 * The most output tokens a request can be billed for: its `max_completion_tokens` (or the older
 * `max_tokens`), capped by the model's `max_output_tokens`, or that limit when the request sets
 * none; times `n`, since every choice is billed. Reasoning tokens count against the same bound.
 * Undefined when neither the request nor the catalog gives a bound.
 */
export function maxOutputTokensFor(
  request: Pick<ChatCompletionRequest, "max_tokens" | "max_completion_tokens" | "n">,
  entry: Pick<CatalogEntry, "max_output_tokens"> | undefined,
): number | undefined {
  const requested = request.max_completion_tokens ?? request.max_tokens ?? undefined;
  const limit = entry?.max_output_tokens;
  const perChoice =
    requested === undefined ? limit : limit === undefined ? requested : Math.min(requested, limit);
  return perChoice === undefined ? undefined : perChoice * (request.n ?? 1);
}
