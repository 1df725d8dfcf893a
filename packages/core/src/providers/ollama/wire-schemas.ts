import { z } from "zod";

/**
 * Ollama's native API wire format (docs/api.md and `api/types.go` in ollama/ollama: ChatRequest,
 * Message, ToolCall, ChatResponse, Metrics, EmbedRequest, EmbedResponse). Parsed loosely.
 */

// ---- Request --------------------------------------------------------------------------------

export interface OllamaToolCall {
  /** Newer builds send and accept an id; older ones ignore it (Go drops unknown fields). */
  id?: string;
  function: { name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  /** Raw base64 image bytes, no `data:` prefix. */
  images?: string[];
  thinking?: string;
  tool_calls?: OllamaToolCall[];
  /** Tool results: the called tool's name (documented) and call id (newer builds). */
  tool_name?: string;
  tool_call_id?: string;
}

export interface OllamaTool {
  type: "function";
  function: { name: string; description?: string; parameters: Record<string, unknown> };
}

/** `true`/`false`, or a level: `low`/`medium`/`high` (gpt-oss), `max` on newer builds. */
export type OllamaThink = boolean | "low" | "medium" | "high" | "max";

export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  /** Ollama streams unless told `false`, so the adapter always sends it. */
  stream: boolean;
  tools?: OllamaTool[];
  format?: "json" | Record<string, unknown>;
  options?: Record<string, unknown>;
  keep_alive?: string | number;
  think?: OllamaThink;
  [native: string]: unknown;
}

export interface OllamaEmbedRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  truncate?: boolean;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
}

// ---- Response -------------------------------------------------------------------------------

export const OllamaToolCallSchema = z.looseObject({
  id: z.string().nullable().optional(),
  function: z.looseObject({
    index: z.number().nullable().optional(),
    name: z.string(),
    /** An object on the wire; a string is tolerated from proxies that pre-serialise it. */
    arguments: z
      .union([z.record(z.string(), z.unknown()), z.string()])
      .nullable()
      .optional(),
  }),
});

export const OllamaChatResponseSchema = z.looseObject({
  model: z.string().optional(),
  created_at: z.string().optional(),
  message: z
    .looseObject({
      role: z.string().optional(),
      content: z.string().nullable().optional(),
      thinking: z.string().nullable().optional(),
      tool_calls: z.array(OllamaToolCallSchema).nullable().optional(),
    })
    .nullable()
    .optional(),
  done: z.boolean().optional(),
  done_reason: z.string().nullable().optional(),
  prompt_eval_count: z.number().nullable().optional(),
  eval_count: z.number().nullable().optional(),
});

/** `{"error": "..."}`; mid-stream errors may carry a numeric `status`. */
export const OllamaErrorBodySchema = z.looseObject({
  error: z.string(),
  status: z.number().optional(),
});

export const OllamaEmbedResponseSchema = z.looseObject({
  model: z.string().optional(),
  embeddings: z.array(z.array(z.number())),
  prompt_eval_count: z.number().nullable().optional(),
});

export type OllamaChatResponse = z.infer<typeof OllamaChatResponseSchema>;
export type OllamaWireToolCall = z.infer<typeof OllamaToolCallSchema>;
