import { z } from "zod";
import { FinishReasonSchema, LogprobsSchema, UsageSchema } from "./chat-response.ts";

/** One `data:` payload of a streamed chat completion. */
export const ToolCallDeltaSchema = z.looseObject({
  index: z.number(),
  id: z.string().optional(),
  type: z.literal("function").optional(),
  function: z
    .looseObject({ name: z.string().optional(), arguments: z.string().optional() })
    .optional(),
});

export const ChunkDeltaSchema = z.looseObject({
  role: z.literal("assistant").optional(),
  content: z.string().nullable().optional(),
  refusal: z.string().nullable().optional(),
  tool_calls: z.array(ToolCallDeltaSchema).optional(),
  reasoning_content: z.string().nullable().optional(),
});

export const ChunkChoiceSchema = z.looseObject({
  index: z.number(),
  delta: ChunkDeltaSchema,
  finish_reason: FinishReasonSchema.nullable(),
  logprobs: LogprobsSchema.nullable().optional(),
});

export const ChatCompletionChunkSchema = z.looseObject({
  id: z.string(),
  object: z.literal("chat.completion.chunk"),
  created: z.number(),
  model: z.string(),
  choices: z.array(ChunkChoiceSchema),
  usage: UsageSchema.nullable().optional(),
  system_fingerprint: z.string().nullable().optional(),
  service_tier: z.string().nullable().optional(),
});

export type ToolCallDelta = z.infer<typeof ToolCallDeltaSchema>;
export type ChunkDelta = z.infer<typeof ChunkDeltaSchema>;
export type ChatCompletionChunk = z.infer<typeof ChatCompletionChunkSchema>;
