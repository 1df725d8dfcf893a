import { z } from "zod";

/**
 * Mistral's wire format where it differs from OpenAI's (docs.mistral.ai/api, and the
 * speakeasy-generated models of mistralai/client-python). Loose: unknown fields are kept.
 */

/** A content chunk of an assistant message: text, or (magistral) thinking made of text chunks. */
export const MistralTextChunkSchema = z.looseObject({ type: z.literal("text"), text: z.string() });
export const MistralThinkChunkSchema = z.looseObject({
  type: z.literal("thinking"),
  thinking: z.array(z.looseObject({ type: z.string(), text: z.string().optional() })),
});
export const MistralContentChunkSchema = z.union([
  MistralTextChunkSchema,
  MistralThinkChunkSchema,
  z.looseObject({ type: z.string() }),
]);

/** One pydantic validation issue, as in a 422 `detail` list. */
export const MistralValidationIssueSchema = z.looseObject({
  type: z.string().optional(),
  loc: z.array(z.union([z.string(), z.number()])).optional(),
  msg: z.string().optional(),
});

/**
 * Error bodies seen from Mistral: `{"object":"error","message":"...","type","param","code"}`,
 * the same with `message` holding `{"detail":[issues]}` (as an object, or as a JSON string),
 * `{"object":"Error","detail":[issues],"message":[issues],"code":3001}`, FastAPI's plain
 * `{"detail":[issues]}`, and `{"message":"Unauthorized","request_id":"..."}`.
 */
export const MistralErrorBodySchema = z.looseObject({
  object: z.string().optional(),
  message: z.unknown().optional(),
  detail: z.unknown().optional(),
  type: z.string().nullable().optional(),
  param: z.string().nullable().optional(),
  code: z.union([z.string(), z.number()]).nullable().optional(),
});

export type MistralContentChunk = z.infer<typeof MistralContentChunkSchema>;
export type MistralValidationIssue = z.infer<typeof MistralValidationIssueSchema>;
