import { z } from "zod";

/**
 * Bedrock Converse wire format, as much of it as the adapter reads. Loose: AWS adds fields
 * (citations, guardrail traces, service tiers) and unknown ones must not break parsing.
 * Field names follow the bedrock-runtime Smithy model (aws-sdk-js-v3,
 * codegen/sdk-codegen/aws-models/bedrock-runtime.json).
 */

// ---- request --------------------------------------------------------------------------------

export type ConverseImageFormat = "png" | "jpeg" | "gif" | "webp";
export type ConverseDocumentFormat =
  "pdf" | "csv" | "doc" | "docx" | "xls" | "xlsx" | "html" | "txt" | "md";

export type ConverseContentBlock =
  | { text: string }
  | { image: { format: ConverseImageFormat; source: { bytes: string } } }
  | { document: { format: ConverseDocumentFormat; name: string; source: { bytes: string } } }
  | { toolUse: { toolUseId: string; name: string; input: unknown } }
  | {
      toolResult: {
        toolUseId: string;
        content: ({ text: string } | { json: unknown })[];
        status?: "success" | "error";
      };
    }
  | {
      reasoningContent:
        { reasoningText: { text: string; signature?: string } } | { redactedContent: string };
    }
  | { cachePoint: { type: "default" } };

export interface ConverseMessage {
  role: "user" | "assistant";
  content: ConverseContentBlock[];
}

export type ConverseSystemBlock = { text: string } | { cachePoint: { type: "default" } };

export interface ConverseToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: unknown } };
}

export type ConverseToolChoice =
  { auto: Record<string, never> } | { any: Record<string, never> } | { tool: { name: string } };

export interface ConverseToolConfig {
  tools: ConverseToolSpec[];
  toolChoice?: ConverseToolChoice;
}

export interface ConverseInferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export interface ConverseRequestBody {
  messages: ConverseMessage[];
  system?: ConverseSystemBlock[];
  inferenceConfig?: ConverseInferenceConfig;
  toolConfig?: ConverseToolConfig;
  additionalModelRequestFields?: Record<string, unknown>;
  additionalModelResponseFieldPaths?: string[];
  guardrailConfig?: Record<string, unknown>;
  performanceConfig?: Record<string, unknown>;
  requestMetadata?: Record<string, string>;
  serviceTier?: { type: string };
}

// ---- response -------------------------------------------------------------------------------

export const TokenUsageSchema = z.looseObject({
  inputTokens: z.number(),
  outputTokens: z.number(),
  totalTokens: z.number().optional(),
  cacheReadInputTokens: z.number().optional(),
  cacheWriteInputTokens: z.number().optional(),
});

const ReasoningContentSchema = z.looseObject({
  reasoningText: z.looseObject({ text: z.string(), signature: z.string().optional() }).optional(),
  redactedContent: z.string().optional(),
});

export const ResponseContentBlockSchema = z.looseObject({
  text: z.string().optional(),
  toolUse: z
    .looseObject({ toolUseId: z.string(), name: z.string(), input: z.unknown() })
    .optional(),
  reasoningContent: ReasoningContentSchema.optional(),
});

export const ConverseResponseSchema = z.looseObject({
  output: z.looseObject({
    message: z
      .looseObject({ role: z.string(), content: z.array(ResponseContentBlockSchema) })
      .optional(),
  }),
  stopReason: z.string(),
  usage: TokenUsageSchema.optional(),
  metrics: z.looseObject({ latencyMs: z.number() }).optional(),
  additionalModelResponseFields: z.unknown().optional(),
  trace: z.unknown().optional(),
});

// ---- stream events (payload of each event-stream frame, not wrapped in the event name) ------

export const MessageStartEventSchema = z.looseObject({ role: z.string() });

export const ContentBlockStartEventSchema = z.looseObject({
  contentBlockIndex: z.number(),
  start: z
    .looseObject({
      toolUse: z.looseObject({ toolUseId: z.string(), name: z.string() }).optional(),
    })
    .optional(),
});

export const ContentBlockDeltaEventSchema = z.looseObject({
  contentBlockIndex: z.number(),
  delta: z.looseObject({
    text: z.string().optional(),
    toolUse: z.looseObject({ input: z.string() }).optional(),
    reasoningContent: z
      .looseObject({
        text: z.string().optional(),
        signature: z.string().optional(),
        redactedContent: z.string().optional(),
      })
      .optional(),
  }),
});

export const ContentBlockStopEventSchema = z.looseObject({ contentBlockIndex: z.number() });

export const MessageStopEventSchema = z.looseObject({
  stopReason: z.string(),
  additionalModelResponseFields: z.unknown().optional(),
});

export const MetadataEventSchema = z.looseObject({
  usage: TokenUsageSchema.optional(),
  metrics: z.looseObject({ latencyMs: z.number() }).optional(),
});

/** Body of a non-2xx answer and of an exception frame. AWS spells it `message` or `Message`. */
export const BedrockErrorBodySchema = z.looseObject({
  message: z.string().optional(),
  Message: z.string().optional(),
  __type: z.string().optional(),
  originalStatusCode: z.number().optional(),
  originalMessage: z.string().optional(),
});

export type TokenUsage = z.infer<typeof TokenUsageSchema>;
export type ConverseResponse = z.infer<typeof ConverseResponseSchema>;
export type ResponseContentBlock = z.infer<typeof ResponseContentBlockSchema>;

// ---- embeddings (InvokeModel bodies) ------------------------------------------------------

export const TitanEmbeddingResponseSchema = z.looseObject({
  embedding: z.array(z.number()),
  inputTextTokenCount: z.number().optional(),
});

export const CohereEmbeddingResponseSchema = z.looseObject({
  id: z.string().optional(),
  /** `embeddings_floats`: a list of vectors; `embeddings_by_type`: `{float: [...], int8: ...}`. */
  response_type: z.string().optional(),
  embeddings: z.union([
    z.array(z.array(z.number())),
    z.looseObject({ float: z.array(z.array(z.number())).optional() }),
  ]),
});
