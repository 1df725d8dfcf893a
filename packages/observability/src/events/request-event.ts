/**
 * One event per request, whatever the route and however it ended: metrics, traces, spend logs,
 * Langfuse and webhooks all read this one record, so they never disagree about a request.
 *
 * It is plain readonly data with no import from the router: the gateway maps its per-request
 * context (the router's RequestContext and PostCallOutcome) onto it, so this package stays a
 * leaf and a sink never sees live request state. Times are epoch milliseconds.
 */

/** Which surface the request came in on (LiteLLM's `call_type`, shortened). */
export type CallType =
  | "chat"
  | "completion"
  | "embedding"
  | "messages"
  | "responses"
  | "rerank"
  | "image"
  | "audio"
  | "other";

export type RequestStatus = "success" | "failure";

export interface RequestTokens {
  /** Input tokens, cached ones included (as the providers report them). */
  readonly prompt: number;
  readonly completion: number;
  /** Input tokens served from the provider's prompt cache (a part of `prompt`). */
  readonly cached: number;
  /** Reasoning tokens (a part of `completion`). */
  readonly reasoning: number;
  /** True when the upstream reported no usage and the gateway estimated it. */
  readonly estimated?: boolean;
}

/** One try of one deployment, for traces and alerts (a request has one or more). */
export interface RequestAttempt {
  readonly deploymentId: string;
  readonly modelGroup: string;
  readonly startTime: number;
  readonly durationMs: number;
  readonly outcome: "success" | "failure" | "cancelled";
  /** LiteLLM's exception name (`RateLimitError`, ...), on failure. */
  readonly errorClass?: string;
  readonly errorStatus?: number;
  /** True when this failure put the deployment into cooldown. */
  readonly cooledDown?: boolean;
}

/** A phase of the request, for trace spans (epoch milliseconds). */
export interface RequestPhaseTiming {
  readonly startTime: number;
  readonly endTime: number;
}

export interface RequestEvent {
  /** The `x-litellm-call-id` of the request. */
  readonly callId: string;
  /** The HTTP route, e.g. `/v1/chat/completions`. */
  readonly route: string;
  readonly callType: CallType;
  readonly stream: boolean;

  /** When the gateway received the request. */
  readonly startTime: number;
  /** When the upstream call that answered began (absent when no upstream call was made). */
  readonly apiCallStartTime?: number;
  /** First chunk of a stream, or the whole response of a non-streamed call. */
  readonly firstTokenTime?: number;
  /** When the last byte was sent (or the request failed). */
  readonly endTime: number;
  /** The key's auth, budget and rate-limit checks (a trace span when present). */
  readonly authTiming?: RequestPhaseTiming;
  /** The response-cache lookup, hit or miss (a trace span when present). */
  readonly cacheLookupTiming?: RequestPhaseTiming;

  /** The virtual key's hash (never the key). */
  readonly keyHash?: string;
  readonly keyAlias?: string;
  readonly teamId?: string;
  readonly teamAlias?: string;
  readonly userId?: string;
  /** The request's `user` field (the caller's customer); high cardinality, see the metrics options. */
  readonly endUser?: string;
  readonly orgId?: string;
  readonly orgAlias?: string;

  /** The model the client asked for. */
  readonly requestedModel: string;
  /** The group that answered (the fallback group when a fallback answered). */
  readonly modelGroup?: string;
  readonly deploymentId?: string;
  /** `openai`, `anthropic`, `azure`, ... */
  readonly provider?: string;
  /** The model sent upstream, e.g. `openai/gpt-4o`. */
  readonly providerModel?: string;
  /** The deployment's api_base without credentials. */
  readonly apiBase?: string;

  readonly tokens?: RequestTokens;
  /** USD, when the answering deployment's price is known. */
  readonly cost?: number;
  /** True when a cache answered and no upstream call was made. */
  readonly cacheHit: boolean;
  /** Upstream attempts beyond the first, over all groups. */
  readonly retries: number;
  /** Fallback groups tried, in order. */
  readonly fallbacks: readonly string[];
  readonly attempts?: readonly RequestAttempt[];

  readonly status: RequestStatus;
  /** The HTTP status the client got (200 on success). */
  readonly httpStatus: number;
  /** LiteLLM's exception name, on failure. */
  readonly errorClass?: string;
  /** The upstream's status when the error came from a provider, else the gateway's own. */
  readonly errorStatus?: number;
  /** Redacted error message, on failure. */
  readonly errorMessage?: string;
  /** A stream that ended early (client gone, or an error after the first chunk). */
  readonly partial?: boolean;

  /** `metadata.tags` of the request (and of its key/team). */
  readonly tags: readonly string[];

  /**
   * The request's messages (or input) and the response: only when message logging is on
   * (off by default; `turn_off_message_logging` and redaction honoured by whoever builds the
   * event). Sinks that must never see content get the event through `withoutContent`.
   */
  readonly messages?: unknown;
  readonly response?: unknown;
}

/** The same event without messages and response, for sinks that must not store content. */
export function withoutContent(event: RequestEvent): RequestEvent {
  if (event.messages === undefined && event.response === undefined) return event;
  const { messages: _messages, response: _response, ...rest } = event;
  return rest;
}
