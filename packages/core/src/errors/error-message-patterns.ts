/**
 * Providers signal "prompt too long" and "blocked by safety" in free text more often than with a
 * code, so we classify by message. The lists come from the strings providers are known to send
 * (see docs/provider-wire-formats.md §11.7); matching is case-insensitive.
 */
const CONTEXT_WINDOW_PATTERNS: RegExp[] = [
  /maximum context length/i,
  /context_length_exceeded/i,
  /prompt is too long/i,
  /exceed(s|ed)? context limit/i,
  /input is too long/i,
  /too many input tokens/i,
  /too many tokens/i,
  /exceeds the maximum number of tokens allowed/i,
  /model's maximum context limit/i,
  /is longer than the model's context length/i,
  /input tokens exceed the configured limit/i,
  /exceeds the available context size/i,
  /maximum input length is \d+ tokens/i,
  /current length is \d+ while limit is/i,
  /too large for model with \d+ maximum context length/i,
  /please reduce the length of the messages/i,
];

const CONTENT_POLICY_PATTERNS: RegExp[] = [
  /content_policy_violation/i,
  /ResponsibleAIPolicyViolation/i,
  /content_filter/i,
  /safety system/i,
];

export function looksLikeContextWindowError(text: string): boolean {
  return CONTEXT_WINDOW_PATTERNS.some((pattern) => pattern.test(text));
}

export function looksLikeContentPolicyError(text: string): boolean {
  return CONTENT_POLICY_PATTERNS.some((pattern) => pattern.test(text));
}
