import type { RequestContext } from "../../provider/adapter.ts";
import { renameParam } from "../openai-compatible/family/body-edits.ts";
import { convertMistralMessages } from "./convert-messages.ts";

/**
 * Request params Mistral's chat schema does not have; it answers them with a 422
 * (`extra_forbidden`), so the gateway refuses them up front, or drops them with `drop_params`.
 * (`n`, `presence_penalty`, `frequency_penalty`, `prediction`, `parallel_tool_calls`,
 * `reasoning_effort` and `prompt_cache_key` are Mistral fields and pass.)
 */
export const MISTRAL_UNSUPPORTED_PARAMS: readonly string[] = [
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "user",
  "functions",
  "function_call",
  "modalities",
  "audio",
  "web_search_options",
  "service_tier",
  "store",
  "verbosity",
  "safety_identifier",
];

/**
 * The OpenAI body as Mistral's chat API takes it: `seed` is `random_seed`,
 * `max_completion_tokens` is `max_tokens`, `tool_choice: "required"` is `"any"` (a named
 * function is the same object in both), messages are rebuilt for Mistral's strict schema, and
 * `stream_options` is removed (Mistral rejects it; it reports usage on the finish chunk anyway,
 * and the gateway answers `include_usage` from that). `safe_prompt`, `prompt_mode`,
 * `random_seed` and other Mistral fields sent by the client pass through.
 */
export function convertMistralBody(
  body: Record<string, unknown>,
  _ctx: RequestContext,
): Record<string, unknown> {
  const out = renameParam(
    renameParam(body, "seed", "random_seed"),
    "max_completion_tokens",
    "max_tokens",
  );
  delete out.stream_options;
  if (out.tool_choice === "required") out.tool_choice = "any";
  if (Array.isArray(out.messages)) out.messages = convertMistralMessages(out.messages);
  return out;
}
