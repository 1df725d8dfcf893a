import { z } from "zod";
import { EXTRA_BODY_RESERVED } from "./extra-body.ts";
import { RequestModelSchema } from "../provider/model-name.ts";

/**
 * OpenAI Chat Completions request, as clients send it.
 *
 * Parsed loosely: unknown fields are kept (`z.looseObject`) so they pass through to providers
 * that accept them; `drop_params` removes them for those that do not.
 */

export const TextPartSchema = z.looseObject({ type: z.literal("text"), text: z.string() });

export const ImagePartSchema = z.looseObject({
  type: z.literal("image_url"),
  image_url: z.looseObject({
    url: z.string(),
    detail: z.enum(["auto", "low", "high"]).optional(),
  }),
});

export const InputAudioPartSchema = z.looseObject({
  type: z.literal("input_audio"),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});

export const FilePartSchema = z.looseObject({
  type: z.literal("file"),
  file: z.looseObject({
    file_data: z.string().optional(),
    file_id: z.string().optional(),
    filename: z.string().optional(),
  }),
});

export const ContentPartSchema = z.discriminatedUnion("type", [
  TextPartSchema,
  ImagePartSchema,
  InputAudioPartSchema,
  FilePartSchema,
]);

const Content = z.union([z.string(), z.array(ContentPartSchema)]);

export const ToolCallSchema = z.looseObject({
  id: z.string(),
  type: z.literal("function"),
  function: z.looseObject({ name: z.string(), arguments: z.string() }),
});

export const SystemMessageSchema = z.looseObject({
  role: z.literal("system"),
  content: Content,
  name: z.string().optional(),
});
export const DeveloperMessageSchema = z.looseObject({
  role: z.literal("developer"),
  content: Content,
  name: z.string().optional(),
});
export const UserMessageSchema = z.looseObject({
  role: z.literal("user"),
  content: Content,
  name: z.string().optional(),
});
export const AssistantMessageSchema = z.looseObject({
  role: z.literal("assistant"),
  content: Content.nullable().optional(),
  name: z.string().optional(),
  refusal: z.string().nullable().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  /** Deprecated OpenAI field, still sent by older clients. */
  function_call: z.looseObject({ name: z.string(), arguments: z.string() }).nullable().optional(),
  reasoning_content: z.string().nullable().optional(),
});
export const ToolMessageSchema = z.looseObject({
  role: z.literal("tool"),
  content: Content,
  tool_call_id: z.string(),
});
export const FunctionMessageSchema = z.looseObject({
  role: z.literal("function"),
  content: z.string().nullable(),
  name: z.string(),
});

export const ChatMessageSchema = z.discriminatedUnion("role", [
  SystemMessageSchema,
  DeveloperMessageSchema,
  UserMessageSchema,
  AssistantMessageSchema,
  ToolMessageSchema,
  FunctionMessageSchema,
]);

export const FunctionToolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().nullable().optional(),
  }),
});

export const ToolChoiceSchema = z.union([
  z.enum(["none", "auto", "required"]),
  z.looseObject({ type: z.literal("function"), function: z.looseObject({ name: z.string() }) }),
]);

export const ResponseFormatSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    json_schema: z.looseObject({
      name: z.string(),
      description: z.string().optional(),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullable().optional(),
    }),
  }),
]);

export const StreamOptionsSchema = z.looseObject({
  include_usage: z.boolean().optional(),
});

export const ChatCompletionRequestSchema = z.looseObject({
  model: RequestModelSchema,
  messages: z.array(ChatMessageSchema).min(1),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptionsSchema.nullable().optional(),
  // OpenAI's own bound; without one a huge `n` made the mock (and any local fan-out) run out
  // of memory building the choices.
  n: z.number().int().min(1).max(128).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  seed: z.number().int().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_tokens: z.number().int().min(1).nullable().optional(),
  max_completion_tokens: z.number().int().min(1).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  logprobs: z.boolean().nullable().optional(),
  top_logprobs: z.number().int().min(0).max(20).nullable().optional(),
  user: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  tools: z.array(FunctionToolSchema).optional(),
  tool_choice: ToolChoiceSchema.optional(),
  parallel_tool_calls: z.boolean().optional(),
  response_format: ResponseFormatSchema.optional(),
  reasoning_effort: z
    .enum(["none", "minimal", "low", "medium", "high", "xhigh"])
    .nullable()
    .optional(),
  modalities: z.array(z.string()).nullable().optional(),
  service_tier: z.string().nullable().optional(),
  store: z.boolean().nullable().optional(),
  prediction: z.unknown().optional(),
  audio: z.unknown().optional(),
  web_search_options: z.unknown().optional(),
  /** Provider fields the gateway does not know; never one it routes or budgets on. */
  extra_body: z
    .record(z.string(), z.unknown())
    .superRefine((extra, ctx) => {
      for (const name of Object.keys(extra))
        if (EXTRA_BODY_RESERVED.has(name))
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `extra_body.${name} is not allowed: send ${name} as a top-level field`,
          });
    })
    .nullable()
    .optional(),
  /** Deprecated function-calling fields, still accepted. */
  functions: z.array(z.unknown()).optional(),
  function_call: z.unknown().optional(),
});

export type ContentPart = z.infer<typeof ContentPartSchema>;
export type ToolCall = z.infer<typeof ToolCallSchema>;
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type FunctionTool = z.infer<typeof FunctionToolSchema>;
export type ToolChoice = z.infer<typeof ToolChoiceSchema>;
export type ResponseFormat = z.infer<typeof ResponseFormatSchema>;
export type ChatCompletionRequest = z.infer<typeof ChatCompletionRequestSchema>;
