import { z } from "zod";
import { ToolCallSchema } from "./chat-request.ts";

export const FinishReasonSchema = z.enum([
  "stop",
  "length",
  "tool_calls",
  "content_filter",
  "function_call",
]);

export const PromptTokensDetailsSchema = z.looseObject({
  cached_tokens: z.number().optional(),
  audio_tokens: z.number().optional(),
  /** Anthropic prompt-cache writes, reported by gateways the way LiteLLM does. */
  cache_creation_tokens: z.number().optional(),
});

export const CompletionTokensDetailsSchema = z.looseObject({
  reasoning_tokens: z.number().optional(),
  audio_tokens: z.number().optional(),
  accepted_prediction_tokens: z.number().optional(),
  rejected_prediction_tokens: z.number().optional(),
});

export const UsageSchema = z.looseObject({
  prompt_tokens: z.number(),
  completion_tokens: z.number(),
  total_tokens: z.number(),
  prompt_tokens_details: PromptTokensDetailsSchema.nullable().optional(),
  completion_tokens_details: CompletionTokensDetailsSchema.nullable().optional(),
});

export const LogprobsSchema = z.looseObject({
  content: z.array(z.unknown()).nullable().optional(),
  refusal: z.array(z.unknown()).nullable().optional(),
});

export const AssistantResponseMessageSchema = z.looseObject({
  role: z.literal("assistant"),
  content: z.string().nullable(),
  refusal: z.string().nullable().optional(),
  tool_calls: z.array(ToolCallSchema).optional(),
  reasoning_content: z.string().nullable().optional(),
  annotations: z.array(z.unknown()).optional(),
  audio: z.unknown().optional(),
});

export const ChoiceSchema = z.looseObject({
  index: z.number(),
  message: AssistantResponseMessageSchema,
  finish_reason: FinishReasonSchema.nullable(),
  logprobs: LogprobsSchema.nullable().optional(),
});

export const ChatCompletionSchema = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion"),
  created: z.number(),
  model: z.string(),
  choices: z.array(ChoiceSchema),
  usage: UsageSchema.optional(),
  system_fingerprint: z.string().nullable().optional(),
  service_tier: z.string().nullable().optional(),
});

export type FinishReason = z.infer<typeof FinishReasonSchema>;
export type Usage = z.infer<typeof UsageSchema>;
export type AssistantResponseMessage = z.infer<typeof AssistantResponseMessageSchema>;
export type ChatCompletion = z.infer<typeof ChatCompletionSchema>;
