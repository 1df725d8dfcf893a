import { z } from "zod";

/**
 * The Gemini `generateContent` wire format (Generative Language API `v1beta` and Vertex AI `v1`
 * share it). Field names checked against googleapis/js-genai `src/types.ts`.
 *
 * Request types are plain interfaces (we build them); response schemas are zod and loose
 * (`z.looseObject`): Google adds fields often and an unknown one must never fail a response.
 */

// ---------------------------------------------------------------------------------------------
// Request

export interface GeminiInlineData {
  mimeType: string;
  /** Base64, no `data:` prefix. */
  data: string;
}

export interface GeminiFileData {
  mimeType?: string;
  /** File API URI, `gs://` URI, or (since January 2026, Gemini API) a public https URL. */
  fileUri: string;
}

export interface GeminiFunctionCall {
  name: string;
  args?: Record<string, unknown>;
  id?: string;
}

export interface GeminiFunctionResponse {
  name: string;
  /** Must be a JSON object: plain strings are wrapped as `{ content: "..." }`. */
  response: Record<string, unknown>;
  id?: string;
}

export interface GeminiPart {
  text?: string;
  inlineData?: GeminiInlineData;
  fileData?: GeminiFileData;
  functionCall?: GeminiFunctionCall;
  functionResponse?: GeminiFunctionResponse;
  /** Marks reasoning text (a thought summary). */
  thought?: boolean;
  /** Opaque; must be echoed back on the same part in later turns (Gemini 3 enforces it). */
  thoughtSignature?: string;
}

export type GeminiRole = "user" | "model";

export interface GeminiContent {
  role: GeminiRole;
  parts: GeminiPart[];
}

/** The OpenAPI 3.0 subset Gemini's `Schema` accepts (see convert-json-schema.ts). */
export type GeminiSchema = Record<string, unknown>;

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
}

export interface GeminiTool {
  functionDeclarations?: GeminiFunctionDeclaration[];
  googleSearch?: Record<string, never>;
}

export type GeminiFunctionCallingMode = "AUTO" | "ANY" | "NONE" | "VALIDATED";

export interface GeminiToolConfig {
  functionCallingConfig: {
    mode: GeminiFunctionCallingMode;
    allowedFunctionNames?: string[];
  };
}

export interface GeminiThinkingConfig {
  includeThoughts?: boolean;
  thinkingBudget?: number;
  /** Gemini 3 and later; lower-case on the wire as in Google's REST examples. */
  thinkingLevel?: "minimal" | "low" | "medium" | "high";
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  candidateCount?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  responseJsonSchema?: unknown;
  responseModalities?: string[];
  thinkingConfig?: GeminiThinkingConfig;
}

export interface GeminiGenerateContentRequest {
  contents: GeminiContent[];
  systemInstruction?: { parts: { text: string }[] };
  tools?: GeminiTool[];
  toolConfig?: GeminiToolConfig;
  generationConfig?: GeminiGenerationConfig;
  safetySettings?: unknown[];
  cachedContent?: string;
}

// ---------------------------------------------------------------------------------------------
// Response

export const GeminiResponsePartSchema = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  thoughtSignature: z.string().optional(),
  functionCall: z
    .looseObject({
      name: z.string().optional(),
      // `args` is omitted when the call has no arguments.
      args: z.record(z.string(), z.unknown()).nullable().optional(),
      id: z.string().optional(),
    })
    .optional(),
  inlineData: z
    .looseObject({ mimeType: z.string().optional(), data: z.string().optional() })
    .optional(),
  executableCode: z
    .looseObject({ language: z.string().optional(), code: z.string().optional() })
    .optional(),
  codeExecutionResult: z
    .looseObject({ outcome: z.string().optional(), output: z.string().optional() })
    .optional(),
});

const LogprobsCandidateSchema = z.looseObject({
  token: z.string().optional(),
  logProbability: z.number().optional(),
});

export const GeminiLogprobsResultSchema = z.looseObject({
  chosenCandidates: z.array(LogprobsCandidateSchema).optional(),
  topCandidates: z
    .array(z.looseObject({ candidates: z.array(LogprobsCandidateSchema).optional() }))
    .optional(),
});

export const GeminiCandidateSchema = z.looseObject({
  index: z.number().optional(),
  content: z
    .looseObject({
      role: z.string().optional(),
      parts: z.array(GeminiResponsePartSchema).optional(),
    })
    .optional(),
  finishReason: z.string().optional(),
  finishMessage: z.string().optional(),
  safetyRatings: z.array(z.unknown()).optional(),
  logprobsResult: GeminiLogprobsResultSchema.optional(),
});

export const GeminiUsageMetadataSchema = z.looseObject({
  promptTokenCount: z.number().optional(),
  candidatesTokenCount: z.number().optional(),
  totalTokenCount: z.number().optional(),
  cachedContentTokenCount: z.number().optional(),
  thoughtsTokenCount: z.number().optional(),
  toolUsePromptTokenCount: z.number().optional(),
});

export const GeminiGenerateContentResponseSchema = z.looseObject({
  candidates: z.array(GeminiCandidateSchema).optional(),
  promptFeedback: z
    .looseObject({
      blockReason: z.string().optional(),
      blockReasonMessage: z.string().optional(),
      safetyRatings: z.array(z.unknown()).optional(),
    })
    .optional(),
  usageMetadata: GeminiUsageMetadataSchema.optional(),
  modelVersion: z.string().optional(),
  responseId: z.string().optional(),
});

/** `google.rpc.Status`, as every Google API sends it: `{"error": {code, message, status, details}}`. */
export const GoogleRpcErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.looseObject({ "@type": z.string().optional() })).optional(),
  }),
});

export const GeminiContentEmbeddingSchema = z.looseObject({
  values: z.array(z.number()),
});

/** `:embedContent` answers `{embedding}`, `:batchEmbedContents` answers `{embeddings: [...]}`. */
export const GeminiEmbedResponseSchema = z.looseObject({
  embedding: GeminiContentEmbeddingSchema.optional(),
  embeddings: z.array(GeminiContentEmbeddingSchema).optional(),
});

export type GeminiResponsePart = z.infer<typeof GeminiResponsePartSchema>;
export type GeminiCandidate = z.infer<typeof GeminiCandidateSchema>;
export type GeminiUsageMetadata = z.infer<typeof GeminiUsageMetadataSchema>;
export type GeminiLogprobsResult = z.infer<typeof GeminiLogprobsResultSchema>;
export type GeminiGenerateContentResponse = z.infer<typeof GeminiGenerateContentResponseSchema>;
export type GoogleRpcError = z.infer<typeof GoogleRpcErrorSchema>;
export type GeminiEmbedResponse = z.infer<typeof GeminiEmbedResponseSchema>;
