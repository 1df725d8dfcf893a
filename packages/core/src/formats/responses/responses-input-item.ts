import { z } from "zod";
import { stringOrArray } from "./string-or-array.ts";

/**
 * The `input` items of an OpenAI Responses request that a chat model can be given: messages,
 * function calls and their outputs, and reasoning items (sent back by clients that replay a
 * response's `output`). Items that need OpenAI's server-side state or hosted tools
 * (`item_reference`, `web_search_call`, ...) are refused with the list of supported types.
 */

export const ResponsesInputTextPartSchema = z.looseObject({
  type: z.literal("input_text"),
  text: z.string(),
});

export const ResponsesInputImagePartSchema = z.looseObject({
  type: z.literal("input_image"),
  image_url: z.string().nullable().optional(),
  file_id: z.string().nullable().optional(),
  detail: z.enum(["low", "high", "auto", "original"]).nullable().optional(),
});

export const ResponsesInputFilePartSchema = z.looseObject({
  type: z.literal("input_file"),
  file_data: z.string().nullable().optional(),
  file_id: z.string().nullable().optional(),
  file_url: z.string().nullable().optional(),
  filename: z.string().nullable().optional(),
});

export const ResponsesInputAudioPartSchema = z.looseObject({
  type: z.literal("input_audio"),
  input_audio: z.looseObject({ data: z.string(), format: z.string() }),
});

/** Assistant text, as found in a replayed output message. */
export const ResponsesOutputTextPartSchema = z.looseObject({
  type: z.literal("output_text"),
  text: z.string(),
  annotations: z.array(z.unknown()).optional(),
});

export const ResponsesRefusalPartSchema = z.looseObject({
  type: z.literal("refusal"),
  refusal: z.string(),
});

export const ResponsesMessageContentPartSchema = z.discriminatedUnion(
  "type",
  [
    ResponsesInputTextPartSchema,
    ResponsesInputImagePartSchema,
    ResponsesInputFilePartSchema,
    ResponsesInputAudioPartSchema,
    ResponsesOutputTextPartSchema,
    ResponsesRefusalPartSchema,
  ],
  {
    error:
      "Unsupported content part type; expected one of input_text, input_image, input_file, " +
      "input_audio, output_text, refusal",
  },
);

export const ResponsesMessageItemSchema = z.looseObject({
  type: z.literal("message"),
  role: z.enum(["user", "assistant", "system", "developer"]),
  content: stringOrArray(ResponsesMessageContentPartSchema, "content parts"),
  id: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
});

export const ResponsesFunctionCallItemSchema = z.looseObject({
  type: z.literal("function_call"),
  call_id: z.string().min(1),
  name: z.string().min(1),
  arguments: z.string(),
  id: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
});

export const ResponsesFunctionCallOutputItemSchema = z.looseObject({
  type: z.literal("function_call_output"),
  call_id: z.string().min(1),
  output: stringOrArray(ResponsesMessageContentPartSchema, "content parts"),
  id: z.string().nullable().optional(),
  status: z.string().nullable().optional(),
});

export const ResponsesReasoningItemSchema = z.looseObject({
  type: z.literal("reasoning"),
  id: z.string().nullable().optional(),
  summary: z.array(z.unknown()).optional(),
  content: z.array(z.unknown()).nullable().optional(),
});

const InputItemUnion = z.discriminatedUnion(
  "type",
  [
    ResponsesMessageItemSchema,
    ResponsesFunctionCallItemSchema,
    ResponsesFunctionCallOutputItemSchema,
    ResponsesReasoningItemSchema,
  ],
  {
    error:
      "Unsupported input item type; this gateway accepts message, function_call, " +
      "function_call_output and reasoning items",
  },
);

/** `type` may be left out of a message (`{ role, content }`, OpenAI's "easy" input message). */
export const ResponsesInputItemSchema = z.preprocess(
  (value) =>
    typeof value === "object" && value !== null && !("type" in value) && "role" in value
      ? { ...value, type: "message" }
      : value,
  InputItemUnion,
);

export type ResponsesMessageContentPart = z.infer<typeof ResponsesMessageContentPartSchema>;
export type ResponsesMessageItem = z.infer<typeof ResponsesMessageItemSchema>;
export type ResponsesFunctionCallItem = z.infer<typeof ResponsesFunctionCallItemSchema>;
export type ResponsesFunctionCallOutputItem = z.infer<typeof ResponsesFunctionCallOutputItemSchema>;
export type ResponsesInputItem = z.infer<typeof ResponsesInputItemSchema>;
