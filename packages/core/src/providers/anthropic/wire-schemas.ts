import { z } from "zod";
import { RequestModelSchema } from "../../provider/model-name.ts";

/**
 * Zod schemas of Anthropic's Messages API wire format (POST /v1/messages), checked against the
 * official TypeScript SDK (`src/resources/messages/messages.ts`). All objects are loose: Anthropic
 * adds fields often (`stop_details`, `caller`, `inference_geo`...) and a gateway must not reject
 * or strip what it does not know.
 *
 * The request schemas serve two purposes: the shape this adapter sends upstream, and the
 * validation of Anthropic-format requests arriving at the gateway's own `/v1/messages` route.
 */

export const CacheControlSchema = z.looseObject({
  type: z.literal("ephemeral"),
  ttl: z.enum(["5m", "1h"]).optional(),
});

const cacheControl = CacheControlSchema.nullable().optional();

export const TextBlockParamSchema = z.looseObject({
  type: z.literal("text"),
  text: z.string(),
  cache_control: cacheControl,
});

export const Base64ImageSourceSchema = z.looseObject({
  type: z.literal("base64"),
  media_type: z.string(),
  data: z.string(),
});
export const UrlSourceSchema = z.looseObject({ type: z.literal("url"), url: z.string() });
export const FileSourceSchema = z.looseObject({ type: z.literal("file"), file_id: z.string() });

export const ImageBlockParamSchema = z.looseObject({
  type: z.literal("image"),
  source: z.discriminatedUnion("type", [
    Base64ImageSourceSchema,
    UrlSourceSchema,
    FileSourceSchema,
  ]),
  cache_control: cacheControl,
});

/** PDFs (base64 / url / file), plain text and content sources: the source is kept loose. */
export const DocumentBlockParamSchema = z.looseObject({
  type: z.literal("document"),
  source: z.looseObject({ type: z.string() }),
  title: z.string().nullable().optional(),
  context: z.string().nullable().optional(),
  cache_control: cacheControl,
});

export const ToolUseBlockParamSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
  cache_control: cacheControl,
});

/** A block type this gateway does not translate (server tools, search results...). */
export const OtherBlockSchema = z.looseObject({ type: z.string() });

export const ToolResultBlockParamSchema = z.looseObject({
  type: z.literal("tool_result"),
  tool_use_id: z.string(),
  content: z
    .union([
      z.string(),
      z.array(
        z.union([
          TextBlockParamSchema,
          ImageBlockParamSchema,
          DocumentBlockParamSchema,
          OtherBlockSchema,
        ]),
      ),
    ])
    .optional(),
  is_error: z.boolean().optional(),
  cache_control: cacheControl,
});

export const ThinkingBlockParamSchema = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string(),
});

export const RedactedThinkingBlockParamSchema = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

export const KnownContentBlockParamSchema = z.discriminatedUnion("type", [
  TextBlockParamSchema,
  ImageBlockParamSchema,
  DocumentBlockParamSchema,
  ToolUseBlockParamSchema,
  ToolResultBlockParamSchema,
  ThinkingBlockParamSchema,
  RedactedThinkingBlockParamSchema,
]);

export const KNOWN_CONTENT_BLOCK_TYPES: ReadonlySet<string> = new Set([
  "text",
  "image",
  "document",
  "tool_use",
  "tool_result",
  "thinking",
  "redacted_thinking",
]);

/**
 * A known block must be well-formed; any other type passes untouched (the refine keeps a
 * malformed `text` block from slipping through as "other").
 */
export const ContentBlockParamSchema = z.union([
  KnownContentBlockParamSchema,
  OtherBlockSchema.refine((block) => !KNOWN_CONTENT_BLOCK_TYPES.has(block.type), {
    message: "Malformed content block",
  }),
]);

/**
 * `system` is accepted as a role because the SDK's MessageParam lists it (added with
 * mid-conversation system instructions, 2026); the API docs still describe only user/assistant.
 */
export const MessageParamSchema = z.looseObject({
  role: z.enum(["user", "assistant", "system"]),
  content: z.union([z.string(), z.array(ContentBlockParamSchema)]),
});

/** Client tools carry `input_schema`; server tools (`web_search_20250305`...) carry a `type`. */
export const ToolSchema = z.looseObject({
  name: z.string().min(1),
  description: z.string().optional(),
  input_schema: z.record(z.string(), z.unknown()).optional(),
  type: z.string().nullable().optional(),
  cache_control: cacheControl,
});

export const ToolChoiceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("auto"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({ type: z.literal("any"), disable_parallel_tool_use: z.boolean().optional() }),
  z.looseObject({
    type: z.literal("tool"),
    name: z.string(),
    disable_parallel_tool_use: z.boolean().optional(),
  }),
  z.looseObject({ type: z.literal("none") }),
]);

export const ThinkingConfigSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("enabled"), budget_tokens: z.number().int() }),
  z.looseObject({ type: z.literal("disabled") }),
  z.looseObject({ type: z.literal("adaptive") }),
]);

export const OutputConfigSchema = z.looseObject({
  effort: z.string().nullable().optional(),
  format: z
    .looseObject({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) })
    .nullable()
    .optional(),
});

export const AnthropicMessagesRequestSchema = z.looseObject({
  model: RequestModelSchema,
  /** 0 is valid: it pre-warms the prompt cache without generating. */
  max_tokens: z.number().int().min(0),
  messages: z.array(MessageParamSchema),
  system: z.union([z.string(), z.array(TextBlockParamSchema)]).optional(),
  stop_sequences: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  temperature: z.number().min(0).max(1).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().min(0).optional(),
  tools: z.array(ToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  thinking: ThinkingConfigSchema.optional(),
  metadata: z.looseObject({ user_id: z.string().nullable().optional() }).optional(),
  output_config: OutputConfigSchema.optional(),
  service_tier: z.string().optional(),
});

// ---- Responses ------------------------------------------------------------------------------

export const AnthropicUsageSchema = z.looseObject({
  input_tokens: z.number().nullish(),
  output_tokens: z.number().nullish(),
  cache_creation_input_tokens: z.number().nullish(),
  cache_read_input_tokens: z.number().nullish(),
  cache_creation: z
    .looseObject({
      ephemeral_5m_input_tokens: z.number().nullish(),
      ephemeral_1h_input_tokens: z.number().nullish(),
    })
    .nullish(),
  output_tokens_details: z.looseObject({ thinking_tokens: z.number().nullish() }).nullish(),
  service_tier: z.string().nullish(),
});

export const TextBlockSchema = z.looseObject({ type: z.literal("text"), text: z.string() });
export const ToolUseBlockSchema = z.looseObject({
  type: z.literal("tool_use"),
  id: z.string(),
  name: z.string(),
  input: z.unknown(),
});
export const ThinkingBlockSchema = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.string(),
  signature: z.string().nullish(),
});
export const RedactedThinkingBlockSchema = z.looseObject({
  type: z.literal("redacted_thinking"),
  data: z.string(),
});

/** A response block; unknown kinds (server tool use, web search results...) stay loose. */
export const ResponseContentBlockSchema = z.union([
  z.discriminatedUnion("type", [
    TextBlockSchema,
    ToolUseBlockSchema,
    ThinkingBlockSchema,
    RedactedThinkingBlockSchema,
  ]),
  OtherBlockSchema,
]);

export const AnthropicMessageSchema = z.looseObject({
  id: z.string(),
  type: z.literal("message"),
  role: z.literal("assistant"),
  model: z.string(),
  content: z.array(ResponseContentBlockSchema),
  stop_reason: z.string().nullable(),
  stop_sequence: z.string().nullish(),
  usage: AnthropicUsageSchema,
});

// ---- Stream events (SSE `event:` name = `data.type`) ----------------------------------------

export const MessageStartEventSchema = z.looseObject({
  type: z.literal("message_start"),
  message: z.looseObject({
    id: z.string(),
    model: z.string().optional(),
    usage: AnthropicUsageSchema.nullish(),
  }),
});

export const ContentBlockStartEventSchema = z.looseObject({
  type: z.literal("content_block_start"),
  index: z.number(),
  content_block: ResponseContentBlockSchema,
});

export const ContentBlockDeltaEventSchema = z.looseObject({
  type: z.literal("content_block_delta"),
  index: z.number(),
  delta: z.union([
    z.discriminatedUnion("type", [
      z.looseObject({ type: z.literal("text_delta"), text: z.string() }),
      z.looseObject({ type: z.literal("input_json_delta"), partial_json: z.string() }),
      z.looseObject({ type: z.literal("thinking_delta"), thinking: z.string() }),
      z.looseObject({ type: z.literal("signature_delta"), signature: z.string() }),
    ]),
    OtherBlockSchema,
  ]),
});

export const ContentBlockStopEventSchema = z.looseObject({
  type: z.literal("content_block_stop"),
  index: z.number(),
});

export const MessageDeltaEventSchema = z.looseObject({
  type: z.literal("message_delta"),
  delta: z.looseObject({
    stop_reason: z.string().nullish(),
    stop_sequence: z.string().nullish(),
  }),
  usage: AnthropicUsageSchema.nullish(),
});

export const AnthropicErrorBodySchema = z.looseObject({
  type: z.literal("error"),
  error: z.looseObject({ type: z.string(), message: z.string() }),
  request_id: z.string().nullish(),
});

export type AnthropicCacheControl = z.infer<typeof CacheControlSchema>;
export type AnthropicTextBlockParam = z.infer<typeof TextBlockParamSchema>;
export type AnthropicImageBlockParam = z.infer<typeof ImageBlockParamSchema>;
export type AnthropicDocumentBlockParam = z.infer<typeof DocumentBlockParamSchema>;
export type AnthropicToolUseBlockParam = z.infer<typeof ToolUseBlockParamSchema>;
export type AnthropicToolResultBlockParam = z.infer<typeof ToolResultBlockParamSchema>;
export type AnthropicThinkingBlockParam = z.infer<typeof ThinkingBlockParamSchema>;
export type AnthropicRedactedThinkingBlockParam = z.infer<typeof RedactedThinkingBlockParamSchema>;
export type AnthropicKnownContentBlockParam = z.infer<typeof KnownContentBlockParamSchema>;
export type AnthropicContentBlockParam = z.infer<typeof ContentBlockParamSchema>;
export type AnthropicMessageParam = z.infer<typeof MessageParamSchema>;
export type AnthropicTool = z.infer<typeof ToolSchema>;
export type AnthropicToolChoice = z.infer<typeof ToolChoiceSchema>;
export type AnthropicThinkingConfig = z.infer<typeof ThinkingConfigSchema>;
export type AnthropicOutputConfig = z.infer<typeof OutputConfigSchema>;
export type AnthropicMessagesRequest = z.infer<typeof AnthropicMessagesRequestSchema>;
export type AnthropicUsage = z.infer<typeof AnthropicUsageSchema>;
export type AnthropicResponseContentBlock = z.infer<typeof ResponseContentBlockSchema>;
export type AnthropicMessage = z.infer<typeof AnthropicMessageSchema>;
export type AnthropicErrorBody = z.infer<typeof AnthropicErrorBodySchema>;
