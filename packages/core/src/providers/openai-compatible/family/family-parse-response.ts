import type { ChatCompletion, Usage } from "../../../openai/chat-response.ts";
import type { ChatAdapter } from "../../../provider/adapter.ts";
import { isRecord } from "../../../util/is-record.ts";

export interface FamilyParseOptions {
  /**
   * Repairs the raw payload before validation (Mistral's content arrays); returns true when it
   * changed something, so the body is re-serialized for the shared parser.
   */
  fixPayload?: (payload: Record<string, unknown>) => boolean;
  normalizeUsage?: (usage: Usage) => void;
}

/**
 * Wraps the shared completion parser with the same repairs as the family stream transformer:
 * the raw finish reason kept as `provider_finish_reason` when it is not OpenAI's, an empty
 * finish reason with tool calls read as `tool_calls`, `message.reasoning` mirrored to
 * `reasoning_content`, and the provider's usage brought to OpenAI's meaning.
 */
export function wrapParseResponse(
  parse: ChatAdapter["parseResponse"],
  options: FamilyParseOptions = {},
): ChatAdapter["parseResponse"] {
  return (response, ctx): ChatCompletion => {
    let payload: unknown;
    try {
      payload = JSON.parse(response.body);
    } catch {
      return parse(response, ctx); // reports the unparseable body
    }
    if (!isRecord(payload) || !Array.isArray(payload.choices)) return parse(response, ctx);
    const rawReasons: unknown[] = payload.choices.map((choice: unknown) =>
      isRecord(choice) ? choice.finish_reason : undefined,
    );
    const changed = options.fixPayload?.(payload) ?? false;
    const completion = parse(
      changed ? { ...response, body: JSON.stringify(payload) } : response,
      ctx,
    );

    completion.choices.forEach((choice, i) => {
      const raw = rawReasons[i];
      if (raw === "" && (choice.message.tool_calls?.length ?? 0) > 0) {
        choice.finish_reason = "tool_calls";
      }
      if (typeof raw === "string" && raw !== choice.finish_reason) {
        choice.provider_finish_reason = raw;
      }
      const message = choice.message as Record<string, unknown>;
      if (typeof message.reasoning === "string" && message.reasoning_content == null) {
        message.reasoning_content = message.reasoning;
      }
    });
    if (completion.usage) options.normalizeUsage?.(completion.usage);
    return completion;
  };
}
