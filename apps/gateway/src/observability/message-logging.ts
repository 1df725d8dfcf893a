/** `callback_settings.<callback>`, as LiteLLM's config has it (only what the gateway reads). */
export type CallbackMessageSettings = Readonly<
  Record<string, { readonly message_logging?: boolean | undefined } | null | undefined>
>;

/** Which callbacks receive the request's messages and the answer. */
export interface MessageLogging {
  /** Some callback does: the event is built with the content. */
  readonly any: boolean;
  /** Whether this callback (`langfuse`, `generic_api`, `otel`, ...) gets the content. */
  contentFor(callback: string): boolean;
}

/**
 * LiteLLM's two switches, read together:
 * - `litellm_settings.turn_off_message_logging: true` keeps content from every callback; nothing
 *   else overrides it (an operator who turned content off globally means it).
 * - `callback_settings.<callback>.message_logging: false | true` sets it for that callback alone
 *   (LiteLLM's per-callback redaction, e.g. content to Langfuse but not to the OTel collector).
 * - otherwise a callback gets content only when `turn_off_message_logging` is `false` on purpose:
 *   unlike LiteLLM, an unset flag keeps prompts out of callbacks.
 */
export function messageLoggingOf(
  turnOff: boolean | undefined,
  callbackSettings: CallbackMessageSettings | undefined,
  callbacks: readonly string[],
): MessageLogging {
  const contentFor = (callback: string): boolean => {
    if (turnOff === true) return false;
    const own = callbackSettings?.[callback]?.message_logging;
    return own ?? turnOff === false;
  };
  return { any: callbacks.some(contentFor), contentFor };
}
