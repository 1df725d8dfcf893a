import { z } from "zod";
import { RequestModelSchema } from "../provider/model-name.ts";

export const EmbeddingRequestSchema = z.looseObject({
  model: RequestModelSchema,
  input: z.union([
    z.string(),
    z.array(z.string()).min(1),
    z.array(z.number().int()).min(1),
    z.array(z.array(z.number().int())).min(1),
  ]),
  encoding_format: z.enum(["float", "base64"]).optional(),
  // Bounded (no embedding model has more than a few thousand): the mock builds the vector.
  dimensions: z.number().int().min(1).max(65_536).optional(),
  user: z.string().optional(),
  input_type: z.string().optional(),
});

export const EmbeddingSchema = z.looseObject({
  object: z.literal("embedding"),
  index: z.number(),
  embedding: z.union([z.array(z.number()), z.string()]),
});

export const EmbeddingResponseSchema = z.looseObject({
  object: z.literal("list"),
  data: z.array(EmbeddingSchema),
  model: z.string(),
  usage: z.looseObject({ prompt_tokens: z.number(), total_tokens: z.number() }),
});

export type EmbeddingRequest = z.infer<typeof EmbeddingRequestSchema>;
export type Embedding = z.infer<typeof EmbeddingSchema>;
export type EmbeddingResponse = z.infer<typeof EmbeddingResponseSchema>;
