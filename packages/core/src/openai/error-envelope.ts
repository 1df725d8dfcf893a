import { z } from "zod";

/** `{"error": {...}}` as OpenAI (and this gateway) returns it. */
export const ErrorEnvelopeSchema = z.object({
  error: z.looseObject({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
});
