import { z } from "zod";

/**
 * Cohere v2 Chat and Embed wire format (https://docs.cohere.com/v2/reference/chat, checked
 * against the official cohere-typescript SDK's serialization schemas). Parsed loosely: fields
 * added later must not break the adapter.
 */

// ---- Request --------------------------------------------------------------------------------

export interface CohereTextContent {
  type: "text";
  text: string;
}

export interface CohereImageContent {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
}

/** A tool result as a document; Cohere's guides send `data` as a JSON string. */
export interface CohereDocumentContent {
  type: "document";
  document: { data: string | Record<string, unknown>; id?: string };
}

export interface CohereToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type CohereMessage =
  | { role: "system"; content: string | CohereTextContent[] }
  | { role: "user"; content: string | (CohereTextContent | CohereImageContent)[] }
  | {
      role: "assistant";
      content?: string | CohereTextContent[];
      tool_plan?: string;
      tool_calls?: CohereToolCall[];
    }
  | {
      role: "tool";
      tool_call_id: string;
      content: string | (CohereTextContent | CohereDocumentContent)[];
    };

export interface CohereTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

export type CohereResponseFormat =
  { type: "text" } | { type: "json_object"; json_schema?: Record<string, unknown> };

export interface CohereThinking {
  type: "enabled" | "disabled";
  token_budget?: number;
}

export interface CohereChatRequest {
  model: string;
  messages: CohereMessage[];
  stream: boolean;
  tools?: CohereTool[];
  strict_tools?: boolean;
  tool_choice?: "REQUIRED" | "NONE";
  response_format?: CohereResponseFormat;
  max_tokens?: number;
  stop_sequences?: string[];
  temperature?: number;
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
  k?: number;
  p?: number;
  thinking?: CohereThinking;
  [native: string]: unknown;
}

export interface CohereEmbedRequest {
  model: string;
  texts: string[];
  input_type: string;
  embedding_types: ["float"];
  output_dimension?: number;
  truncate?: string;
  max_tokens?: number;
}

// ---- Response -------------------------------------------------------------------------------

const Count = z.number().nullable().optional();

export const CohereUsageSchema = z.looseObject({
  billed_units: z.looseObject({ input_tokens: Count, output_tokens: Count }).nullable().optional(),
  tokens: z.looseObject({ input_tokens: Count, output_tokens: Count }).nullable().optional(),
  cached_tokens: Count,
});

export const CohereToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.string().optional(),
  function: z
    .looseObject({
      name: z.string().nullable().optional(),
      arguments: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
});

export const CohereResponseContentSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  thinking: z.string().optional(),
});

export const CohereChatResponseSchema = z.looseObject({
  id: z.string(),
  finish_reason: z.string(),
  message: z.looseObject({
    role: z.string().optional(),
    content: z.array(CohereResponseContentSchema).nullable().optional(),
    tool_plan: z.string().nullable().optional(),
    tool_calls: z.array(CohereToolCallSchema).nullable().optional(),
    citations: z.array(z.unknown()).nullable().optional(),
  }),
  usage: CohereUsageSchema.nullable().optional(),
});

// Stream events: `event: <type>` + `data: {"type": "<type>", ...}`.

export const MessageStartEventSchema = z.looseObject({
  type: z.literal("message-start"),
  id: z.string().nullable().optional(),
});

export const ContentStartEventSchema = z.looseObject({
  type: z.literal("content-start"),
  index: z.number().optional(),
  delta: z
    .looseObject({
      message: z
        .looseObject({
          content: z
            .looseObject({
              type: z.string().optional(),
              text: z.string().nullable().optional(),
              thinking: z.string().nullable().optional(),
            })
            .nullable()
            .optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});

export const ContentDeltaEventSchema = z.looseObject({
  type: z.literal("content-delta"),
  index: z.number().optional(),
  delta: z
    .looseObject({
      message: z
        .looseObject({
          content: z
            .looseObject({
              text: z.string().nullable().optional(),
              thinking: z.string().nullable().optional(),
            })
            .nullable()
            .optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});

export const ToolPlanDeltaEventSchema = z.looseObject({
  type: z.literal("tool-plan-delta"),
  delta: z
    .looseObject({
      message: z.looseObject({ tool_plan: z.string().nullable().optional() }).nullable().optional(),
    })
    .nullable()
    .optional(),
});

/** In a stream `tool_calls` is ONE object, not an array (SDK: ChatToolCallStartEventDeltaMessage). */
export const ToolCallStartEventSchema = z.looseObject({
  type: z.literal("tool-call-start"),
  index: z.number().optional(),
  delta: z.looseObject({
    message: z.looseObject({ tool_calls: CohereToolCallSchema }),
  }),
});

export const ToolCallDeltaEventSchema = z.looseObject({
  type: z.literal("tool-call-delta"),
  index: z.number().optional(),
  delta: z
    .looseObject({
      message: z
        .looseObject({
          tool_calls: z
            .looseObject({
              function: z
                .looseObject({ arguments: z.string().nullable().optional() })
                .nullable()
                .optional(),
            })
            .nullable()
            .optional(),
        })
        .nullable()
        .optional(),
    })
    .nullable()
    .optional(),
});

export const ToolCallEndEventSchema = z.looseObject({
  type: z.literal("tool-call-end"),
  index: z.number().optional(),
});

export const MessageEndEventSchema = z.looseObject({
  type: z.literal("message-end"),
  delta: z
    .looseObject({
      /** Set when the generation failed after the stream started. */
      error: z.string().nullable().optional(),
      finish_reason: z.string().nullable().optional(),
      usage: CohereUsageSchema.nullable().optional(),
    })
    .nullable()
    .optional(),
});

// ---- Errors and embeddings ------------------------------------------------------------------

/** `{"message": "..."}`, sometimes with an `id`. */
export const CohereErrorBodySchema = z.looseObject({
  message: z.string(),
  id: z.string().nullable().optional(),
});

export const CohereEmbedResponseSchema = z.looseObject({
  id: z.string().optional(),
  response_type: z.string().optional(),
  embeddings: z.looseObject({ float: z.array(z.array(z.number())).nullable().optional() }),
  meta: z
    .looseObject({
      billed_units: z.looseObject({ input_tokens: Count }).nullable().optional(),
      tokens: z.looseObject({ input_tokens: Count }).nullable().optional(),
    })
    .nullable()
    .optional(),
});

export type CohereUsage = z.infer<typeof CohereUsageSchema>;
export type CohereChatResponse = z.infer<typeof CohereChatResponseSchema>;
export type CohereWireToolCall = z.infer<typeof CohereToolCallSchema>;
