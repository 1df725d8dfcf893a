import type { CallType, RequestEvent } from "../events/request-event.ts";
import { redactValue } from "../logger/redact-fields.ts";

/**
 * The subset of LiteLLM's `StandardLoggingPayload` (litellm/types/utils.py) that a
 * `RequestEvent` can fill, with LiteLLM's field names and units (times in epoch seconds,
 * cost in USD), so receivers written for LiteLLM's `generic_api` callback parse it unchanged.
 *
 * Built field by field from the event, never by spreading it: whatever else an event object
 * carries never reaches a receiver, and the key is only ever its hash and alias.
 */
export interface StandardLoggingPayload {
  readonly id: string;
  readonly trace_id: string;
  readonly call_type: string;
  readonly stream: boolean;
  readonly status: "success" | "failure";
  readonly response_cost: number;
  readonly custom_llm_provider: string | null;
  readonly prompt_tokens: number;
  readonly completion_tokens: number;
  readonly total_tokens: number;
  readonly startTime: number;
  readonly endTime: number;
  readonly completionStartTime: number;
  readonly response_time: number;
  readonly model: string;
  readonly model_id: string | null;
  readonly model_group: string | null;
  readonly api_base: string;
  readonly metadata: StandardLoggingMetadata;
  readonly cache_hit: boolean;
  readonly request_tags: readonly string[];
  readonly end_user: string;
  readonly messages: unknown;
  readonly response: unknown;
  readonly error_str: string | null;
  readonly error_information: StandardLoggingErrorInformation | null;
  readonly model_parameters: Record<string, never>;
  readonly hidden_params: StandardLoggingHiddenParams;
}

export interface StandardLoggingMetadata {
  readonly user_api_key_hash: string | null;
  readonly user_api_key_alias: string | null;
  readonly user_api_key_team_id: string | null;
  readonly user_api_key_team_alias: string | null;
  readonly user_api_key_user_id: string | null;
  readonly user_api_key_org_id: string | null;
  readonly user_api_key_org_alias: string | null;
  readonly user_api_key_end_user_id: string | null;
  readonly requested_model: string;
  readonly route: string;
  readonly http_status: number;
  readonly attempted_retries: number;
  readonly attempted_fallbacks: readonly string[];
  readonly partial_response: boolean;
  readonly usage_object: {
    readonly prompt_tokens: number;
    readonly completion_tokens: number;
    readonly total_tokens: number;
    readonly prompt_tokens_details: { readonly cached_tokens: number };
    readonly completion_tokens_details: { readonly reasoning_tokens: number };
  } | null;
}

export interface StandardLoggingErrorInformation {
  readonly error_code: string;
  readonly error_class: string;
  readonly llm_provider: string;
  readonly error_message: string;
}

export interface StandardLoggingHiddenParams {
  readonly model_id: string | null;
  readonly api_base: string | null;
  readonly response_cost: number;
  readonly litellm_model_name: string | null;
}

/** LiteLLM's `call_type` values (its async names, which the proxy logs). */
const CALL_TYPES: Record<CallType, string> = {
  chat: "acompletion",
  completion: "atext_completion",
  embedding: "aembedding",
  messages: "anthropic_messages",
  responses: "aresponses",
  rerank: "arerank",
  image: "aimage_generation",
  audio: "atranscription",
  other: "other",
};

export function toStandardLoggingPayload(event: RequestEvent): StandardLoggingPayload {
  const tokens = event.tokens;
  const prompt = tokens?.prompt ?? 0;
  const completion = tokens?.completion ?? 0;
  const seconds = (ms: number) => ms / 1_000;
  const cost = event.cost ?? 0;
  const failed = event.status === "failure";
  const errorMessage = event.errorMessage === undefined ? null : redactValue(event.errorMessage);
  return {
    id: event.callId,
    trace_id: event.callId,
    call_type: CALL_TYPES[event.callType] ?? "other",
    stream: event.stream,
    status: event.status,
    response_cost: cost,
    custom_llm_provider: event.provider ?? null,
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    startTime: seconds(event.startTime),
    endTime: seconds(event.endTime),
    completionStartTime: seconds(event.firstTokenTime ?? event.endTime),
    response_time: seconds(event.endTime - event.startTime),
    model: event.providerModel ?? event.requestedModel,
    model_id: event.deploymentId ?? null,
    model_group: event.modelGroup ?? null,
    api_base: event.apiBase ?? "",
    metadata: {
      user_api_key_hash: event.keyHash ?? null,
      user_api_key_alias: event.keyAlias ?? null,
      user_api_key_team_id: event.teamId ?? null,
      user_api_key_team_alias: event.teamAlias ?? null,
      user_api_key_user_id: event.userId ?? null,
      user_api_key_org_id: event.orgId ?? null,
      user_api_key_org_alias: event.orgAlias ?? null,
      user_api_key_end_user_id: event.endUser ?? null,
      requested_model: event.requestedModel,
      route: event.route,
      http_status: event.httpStatus,
      attempted_retries: event.retries,
      attempted_fallbacks: [...event.fallbacks],
      partial_response: event.partial === true,
      usage_object: tokens
        ? {
            prompt_tokens: prompt,
            completion_tokens: completion,
            total_tokens: prompt + completion,
            prompt_tokens_details: { cached_tokens: tokens.cached },
            completion_tokens_details: { reasoning_tokens: tokens.reasoning },
          }
        : null,
    },
    cache_hit: event.cacheHit,
    request_tags: [...event.tags],
    end_user: event.endUser ?? "",
    // Present only when whoever built the event had message logging on.
    messages: event.messages ?? null,
    response: event.response ?? null,
    error_str: failed ? errorMessage : null,
    error_information: failed
      ? {
          error_code: String(event.errorStatus ?? event.httpStatus),
          error_class: event.errorClass ?? "",
          llm_provider: event.provider ?? "",
          error_message: errorMessage ?? "",
        }
      : null,
    model_parameters: {},
    hidden_params: {
      model_id: event.deploymentId ?? null,
      api_base: event.apiBase ?? null,
      response_cost: cost,
      litellm_model_name: event.providerModel ?? null,
    },
  };
}
