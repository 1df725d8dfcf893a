/**
 * What the request conversion needs to know about a Gemini model, read from its name. Names
 * look like `gemini-2.5-flash`, `gemini-3-pro-preview`, `gemini-3.1-flash-lite`, possibly with a
 * `models/` prefix or a tuned-model suffix; anything unrecognised gets the current defaults.
 */
export interface GeminiModelTraits {
  /** Major version, or undefined for names that are not `gemini-<n>...`. */
  major: number | undefined;
  /** Gemini 2.5+ think; 1.x and 2.0 reject a `thinkingConfig`. Unknown names are assumed to. */
  supportsThinking: boolean;
  /** Gemini 3+ takes `thinkingLevel` and enforces thought signatures on replayed calls. */
  usesThinkingLevel: boolean;
  /** Flash models (Gemini 3) accept the `minimal` and `medium` thinking levels. */
  isFlash: boolean;
  /** Gemini 3 Pro takes only `low` and `high`; 3.1 Pro added `medium`. */
  supportsMediumLevel: boolean;
  isFlashLite: boolean;
  /** Gemini 2.5 Pro cannot turn thinking off: its smallest budget is 128. */
  cannotDisableThinking: boolean;
  /**
   * Gemini 1.x only knows `responseSchema` (OpenAPI subset); 2.0+ take `responseJsonSchema`
   * (full JSON Schema), which LiteLLM also switches to for 2.0+.
   */
  supportsResponseJsonSchema: boolean;
}

export function geminiModelTraits(model: string): GeminiModelTraits {
  const name = model.toLowerCase().replace(/^models\//, "");
  const match = /gemini-(\d+)(?:\.(\d+))?/.exec(name);
  const major = match?.[1] === undefined ? undefined : Number.parseInt(match[1], 10);
  const minor = match?.[2] === undefined ? 0 : Number.parseInt(match[2], 10);
  const legacy = major === 1 || /^gemini-pro(-vision)?$/.test(name);
  return {
    major,
    supportsThinking: major === undefined ? !legacy : major >= 3 || (major === 2 && minor >= 5),
    usesThinkingLevel: major !== undefined && major >= 3,
    isFlash: name.includes("flash"),
    supportsMediumLevel:
      name.includes("flash") || (major !== undefined && (major > 3 || (major === 3 && minor >= 1))),
    isFlashLite: name.includes("flash-lite"),
    cannotDisableThinking: major === 2 && name.includes("2.5-pro"),
    supportsResponseJsonSchema: !legacy,
  };
}
