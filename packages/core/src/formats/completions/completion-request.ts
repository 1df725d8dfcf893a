import { z } from "zod";
import { RequestModelSchema } from "../../provider/model-name.ts";
import { StreamOptionsSchema } from "../../openai/chat-request.ts";

/**
 * OpenAI's legacy Completions request (`POST /v1/completions`), as clients send it.
 *
 * Parsed loosely: fields it shares with chat (`temperature`, `stop`, `n`, `seed`, ...) and
 * unknown ones (gateway controls, provider extras) pass through to the chat request.
 */
export const CompletionRequestSchema = z.looseObject({
  model: RequestModelSchema,
  prompt: z.union(
    [
      z.string(),
      z.array(z.string()),
      z.array(z.number().int()),
      z.array(z.array(z.number().int())),
    ],
    { error: "Invalid input: expected a string, an array of strings, or token arrays" },
  ),
  suffix: z.string().nullable().optional(),
  max_tokens: z.number().int().min(0).nullable().optional(),
  echo: z.boolean().nullable().optional(),
  /** Legacy form: how many top alternatives to return per token (0 to 5). */
  logprobs: z.number().int().min(0).max(5).nullable().optional(),
  // OpenAI's bounds (best_of <= 20, n <= 128).
  best_of: z.number().int().min(1).max(20).nullable().optional(),
  n: z.number().int().min(1).max(128).nullable().optional(),
  stop: z
    .union([z.string(), z.array(z.string())])
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  stream_options: StreamOptionsSchema.nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  presence_penalty: z.number().min(-2).max(2).nullable().optional(),
  frequency_penalty: z.number().min(-2).max(2).nullable().optional(),
  logit_bias: z.record(z.string(), z.number()).nullable().optional(),
  seed: z.number().int().nullable().optional(),
  user: z.string().optional(),
});

export type CompletionRequest = z.infer<typeof CompletionRequestSchema>;
