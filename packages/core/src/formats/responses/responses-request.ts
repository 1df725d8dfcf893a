import { z } from "zod";
import { RequestModelSchema } from "../../provider/model-name.ts";
import { ResponsesInputItemSchema } from "./responses-input-item.ts";
import { stringOrArray } from "./string-or-array.ts";

/**
 * OpenAI Responses API request (`POST /v1/responses`), as clients send it.
 *
 * Parsed loosely, like the chat request: unknown fields are kept and passed on to the chat
 * request (gateway controls such as `fallbacks` or `mock_response`, provider extras). Fields
 * that only make sense with OpenAI's server-side state (`previous_response_id`,
 * `conversation`, `background`, `prompt`) parse here and are refused by the converter with a
 * message saying why.
 */

/** Function tools in the Responses flat shape (no nested `function` object). */
export const ResponsesFunctionToolSchema = z.looseObject({
  type: z.literal("function"),
  name: z.string().min(1),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});

export const ResponsesToolSchema = z.discriminatedUnion("type", [ResponsesFunctionToolSchema], {
  error:
    "Unsupported tool type; only function tools can be served over chat models " +
    "(hosted tools such as web_search or file_search are not available)",
});

export const ResponsesToolChoiceSchema = z.union(
  [
    z.enum(["none", "auto", "required"]),
    z.looseObject({ type: z.literal("function"), name: z.string().min(1) }),
  ],
  {
    error:
      "Invalid tool_choice: expected none, auto, required or {type: 'function', name}; " +
      "hosted-tool and allowed_tools choices are not supported",
  },
);

export const ResponsesTextFormatSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("text") }),
  z.looseObject({ type: z.literal("json_object") }),
  z.looseObject({
    type: z.literal("json_schema"),
    name: z.string().min(1),
    schema: z.record(z.string(), z.unknown()),
    description: z.string().nullable().optional(),
    strict: z.boolean().nullable().optional(),
  }),
]);

export const ResponsesRequestSchema = z.looseObject({
  model: RequestModelSchema,
  input: stringOrArray(ResponsesInputItemSchema, "input items"),
  instructions: z.string().nullable().optional(),
  tools: z.array(ResponsesToolSchema).nullable().optional(),
  tool_choice: ResponsesToolChoiceSchema.nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  temperature: z.number().min(0).max(2).nullable().optional(),
  top_p: z.number().min(0).max(1).nullable().optional(),
  max_output_tokens: z.number().int().min(1).nullable().optional(),
  text: z
    .looseObject({
      format: ResponsesTextFormatSchema.nullable().optional(),
      verbosity: z.enum(["low", "medium", "high"]).nullable().optional(),
    })
    .nullable()
    .optional(),
  reasoning: z
    .looseObject({
      effort: z.enum(["none", "minimal", "low", "medium", "high", "xhigh"]).nullable().optional(),
      summary: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  stream: z.boolean().nullable().optional(),
  // OpenAI's metadata is string to string; LiteLLM's shares the field with lists (`tags`, which
  // the spend log records), so any JSON value is accepted as on chat. It is never sent upstream
  // (chat's `metadata` is forwarded only with `store: true`, which this format does not pass on).
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
  user: z.string().nullable().optional(),
  store: z.boolean().nullable().optional(),
  previous_response_id: z.string().nullable().optional(),
  conversation: z.unknown().optional(),
  background: z.boolean().nullable().optional(),
  prompt: z.unknown().optional(),
  service_tier: z.string().nullable().optional(),
});

export type ResponsesFunctionTool = z.infer<typeof ResponsesFunctionToolSchema>;
export type ResponsesToolChoice = z.infer<typeof ResponsesToolChoiceSchema>;
export type ResponsesTextFormat = z.infer<typeof ResponsesTextFormatSchema>;
export type ResponsesRequest = z.infer<typeof ResponsesRequestSchema>;
