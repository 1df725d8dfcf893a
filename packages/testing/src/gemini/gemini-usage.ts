export interface GeminiUsageSpec {
  prompt: number;
  candidates?: number;
  thoughts?: number;
  cached?: number;
  toolUsePrompt?: number;
}

/**
 * A `usageMetadata` object. `totalTokenCount` is prompt + candidates + thoughts + tool-use
 * prompt, as Gemini computes it (thoughts are not part of `candidatesTokenCount`).
 */
export function geminiUsage(spec: GeminiUsageSpec): Record<string, unknown> {
  const total =
    spec.prompt + (spec.candidates ?? 0) + (spec.thoughts ?? 0) + (spec.toolUsePrompt ?? 0);
  return {
    promptTokenCount: spec.prompt,
    ...(spec.candidates === undefined ? {} : { candidatesTokenCount: spec.candidates }),
    totalTokenCount: total,
    ...(spec.cached === undefined ? {} : { cachedContentTokenCount: spec.cached }),
    ...(spec.toolUsePrompt === undefined ? {} : { toolUsePromptTokenCount: spec.toolUsePrompt }),
    ...(spec.thoughts === undefined ? {} : { thoughtsTokenCount: spec.thoughts }),
    promptTokensDetails: [{ modality: "TEXT", tokenCount: spec.prompt }],
  };
}
