import { z } from "zod";

export const ModelSchema = z.object({
  id: z.string(),
  object: z.literal("model"),
  created: z.number(),
  owned_by: z.string(),
});

export const ModelListSchema = z.object({
  object: z.literal("list"),
  data: z.array(ModelSchema),
});

export type Model = z.infer<typeof ModelSchema>;
export type ModelList = z.infer<typeof ModelListSchema>;
