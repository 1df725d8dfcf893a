import { z } from "zod";

/** One category of Azure's content filter verdict (`hate`, `sexual`, `jailbreak`, ...). */
export const ContentFilterCategorySchema = z.looseObject({
  filtered: z.boolean().optional(),
  severity: z.string().optional(),
  detected: z.boolean().optional(),
});

/**
 * Azure's error envelope: OpenAI's shape, with `code` often a string status ("429", "401") or an
 * Azure name (`DeploymentNotFound`, `content_filter`), and for a filtered prompt an `innererror`
 * with `code: "ResponsibleAIPolicyViolation"` and the per-category verdict.
 */
export const AzureErrorBodySchema = z.looseObject({
  error: z.looseObject({
    message: z.string().optional(),
    code: z.union([z.string(), z.number()]).nullable().optional(),
    innererror: z
      .looseObject({
        code: z.string().optional(),
        content_filter_result: z.record(z.string(), z.unknown()).optional(),
      })
      .optional(),
  }),
});

export type AzureErrorBody = z.infer<typeof AzureErrorBodySchema>;
