/** Values the OpenAI builders use when a test does not care; fixed so output is reproducible. */
export const OPENAI_DEFAULTS = {
  id: "chatcmpl-fake0000000000000000000000",
  created: 1_760_000_000,
  model: "gpt-4o-mini",
  systemFingerprint: "fp_fake0001",
  serviceTier: "default",
} as const;
