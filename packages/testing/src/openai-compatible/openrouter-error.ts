import type { FakeReply } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";

/**
 * OpenRouter's error body: `{"error":{"code":<the HTTP status as a number>,"message","metadata"}}`
 * (`metadata.raw` / `provider_name` for a relayed upstream failure, `reasons` / `flagged_input`
 * for a moderation 403).
 */
export function openrouterError(
  status: number,
  message: string,
  metadata?: Record<string, unknown>,
  headers: Readonly<Record<string, string>> = {},
): FakeReply {
  return json(
    { error: { code: status, message, ...(metadata === undefined ? {} : { metadata }) } },
    { status, headers },
  );
}

/**
 * The `data:` payload OpenRouter sends when the upstream fails after HTTP 200: an `error`
 * object next to a choice with `finish_reason: "error"`. Put it in an `sse()` list.
 */
export function openrouterErrorChunk(options: {
  id?: string;
  model?: string;
  status?: number;
  message?: string;
  providerName?: string;
}): string {
  return JSON.stringify({
    id: options.id ?? "gen-1760000000-fake",
    provider: options.providerName ?? "OpenAI",
    model: options.model ?? "openai/gpt-4o",
    object: "chat.completion.chunk",
    created: 1_760_000_000,
    error: {
      code: options.status ?? 502,
      message: options.message ?? "Provider returned error",
      metadata: { raw: "upstream connect error", provider_name: options.providerName ?? "OpenAI" },
    },
    choices: [
      {
        index: 0,
        delta: { content: "" },
        finish_reason: "error",
        native_finish_reason: "error",
        logprobs: null,
      },
    ],
  });
}
