import type {
  AbortLike,
  ChatCallResult,
  ChatCompletionRequest,
  EmbeddingCallResult,
  EmbeddingRequest,
  ProviderRegistry,
  Transport,
  UndiciTransportOptions,
} from "@org/core";
import {
  GatewayError,
  callChat,
  callEmbedding,
  createUndiciTransport,
  defaultProviders,
} from "@org/core";
import type { CallChat, CallEmbedding } from "./call/call-functions.ts";
import type { ModelListEntry } from "./config/model-list.ts";
import { resolveSettings } from "./config/resolve-settings.ts";
import { redisConnectionFrom } from "./config/redis-connection.ts";
import { createStateStore } from "./state/create-state-store.ts";
import type { FallbackConfig, RouterSettings } from "./config/router-settings.ts";
import type {
  AttemptRecord,
  DeploymentRef,
  RequestContext,
  RequestMetadata,
} from "./context/request-context.ts";
import type { DeploymentInfo } from "./deployments/deployment-info.ts";
import { toDeploymentInfo } from "./deployments/deployment-info.ts";
import { ModelTable } from "./deployments/model-table.ts";
import { ClientClosedError } from "./errors/client-closed-error.ts";
import { explainUpstreamCredentialsError } from "./errors/upstream-credentials-error.ts";
import { chatAttempt } from "./execution/chat-attempt.ts";
import { embeddingAttempt } from "./execution/embedding-attempt.ts";
import { mergeEmbeddingParts } from "./execution/embedding-parts.ts";
import { beginRequest } from "./execution/begin-request.ts";
import type { RequestState } from "./execution/request-state.ts";
import { splitRouterParams } from "./execution/router-params.ts";
import { resolveGroup } from "./execution/run-group.ts";
import { runWithFallbacks } from "./execution/run-with-fallbacks.ts";
import { cacheRef, decorate } from "./execution/router-result.ts";
import { completionText } from "./execution/completion-text.ts";
import { embeddingUsage, usableUsage } from "./execution/usable-usage.ts";
import { costOutcome, usageOutcome } from "./execution/usage-outcome.ts";
import type { Runtime } from "./execution/runtime.ts";
import { internalError } from "./errors/router-internal-error.ts";
import type {
  EmbeddingParts,
  PostCallOutcome,
  PreCallAnswer,
  RouterHooks,
} from "./hooks/router-hooks.ts";
import type { PriceOf } from "./pricing/price-of.ts";
import { deploymentPrice } from "./pricing/price-of.ts";
import type { RouterStateStore, StoreStatus } from "./state/state-store.ts";
import type { DeploymentHealth, RouterHealth } from "./state/router-health.ts";
import { createStrategy } from "./strategies/create-strategy.ts";
import { chargedUsage } from "./streams/charged-usage.ts";
import type { StreamEnd } from "./streams/tracked-stream.ts";
import type { CountCompletionTokens, CountTokens } from "./tokens/count-tokens.ts";
import { estimateCompletionTokens, estimateTokens } from "./tokens/count-tokens.ts";
import type { Clock, RouterLogger } from "./util/logger.ts";
import { silentLogger, systemClock } from "./util/logger.ts";

export interface RouterOptions<M extends RequestMetadata = RequestMetadata> {
  /** LiteLLM's model_list, snake_case, secrets already resolved. */
  modelList: readonly ModelListEntry[];
  /** router_settings (merged with the router-related litellm_settings). */
  settings?: RouterSettings;
  /** Provider adapters; @org/core's defaultProviders() when omitted. */
  registry?: ProviderRegistry;
  /** How requests reach providers; an undici keep-alive pool per origin when omitted. */
  transport?: Transport;
  /** Pool limits for the transport the router creates (ignored with `transport`). */
  transportOptions?: UndiciTransportOptions;
  /**
   * Shared state. Omitted: a Redis store when settings name Redis (redis_url or
   * redis_host/port/password), else an in-memory store.
   */
  store?: RouterStateStore;
  /** Key prefix of the Redis store the router creates from settings. */
  stateKeyPrefix?: string;
  /** Typed by the metadata the caller passes (`Router<M>`): hooks read `ctx.metadata` as `M`. */
  hooks?: RouterHooks<M>;
  logger?: RouterLogger;
  clock?: Clock;
  random?: () => number;
  /** One call to one deployment; @org/core's callChat when omitted. */
  callChat?: CallChat;
  callEmbedding?: CallEmbedding;
  /** Price port; @org/core's catalog under litellm_params / model_info prices when omitted. */
  priceOf?: PriceOf;
  /** Token-count port; characters / 4 when omitted. */
  countTokens?: CountTokens;
  /**
   * Tokens of the text a stream delivered, charged when it ends without the upstream's usage
   * (client gone, upstream error, shutdown cut); characters / 4 when omitted.
   */
  countCompletionTokens?: CountCompletionTokens;
}

export interface CallOptions<M extends RequestMetadata = RequestMetadata> {
  /** The gateway's call id; a UUID when omitted. */
  callId?: string;
  /**
   * Aborted when the client goes away: the upstream call is aborted too. An AbortSignal, or any
   * AbortLike (@org/core's CallAbort: no AbortController per request).
   */
  signal?: AbortLike;
  /** Fallbacks for this request, replacing the configured ones (as `fallbacks` in the body does). */
  requestFallbacks?: FallbackConfig | string[];
  /** Identity and anything else the hooks need; carried on the context untouched. */
  metadata?: M;
}

export interface RouterResultMeta {
  /** The deployment that answered. */
  deployment: DeploymentRef;
  attempts: AttemptRecord[];
  fallbacksTaken: string[];
  context: RequestContext;
  /**
   * `x-litellm-model-id`, `x-litellm-model-group`, ... for the response, and the headers the
   * hooks add (`x-ratelimit-*`).
   */
  headers: Record<string, string>;
  /**
   * Resolves once the post-call hook's work is done (the spend journaled); never rejects. For a
   * stream, after it ends: hold the response's last bytes until then.
   */
  settled: Promise<void>;
}

export type RouterChatResult = ChatCallResult & RouterResultMeta;
export type RouterEmbeddingResult = EmbeddingCallResult & RouterResultMeta;
export type { DeploymentHealth, RouterHealth };

/**
 * LiteLLM's Router: model groups, routing strategies, retries, cooldowns, fallbacks and
 * timeouts over @org/core's provider calls, with its state behind a small store port.
 */
export class Router<M extends RequestMetadata = RequestMetadata> {
  #rt: Runtime;
  readonly #owned: { transport?: Transport; store?: RouterStateStore } = {};
  readonly #settings: RouterSettings;

  constructor(options: RouterOptions<M>) {
    this.#settings = options.settings ?? {};
    const settings = resolveSettings(this.#settings);
    const logger = options.logger ?? silentLogger;
    const clock = options.clock ?? systemClock;
    const priceOf = options.priceOf ?? deploymentPrice;

    let transport = options.transport;
    if (transport === undefined) {
      transport = createUndiciTransport(options.transportOptions);
      this.#owned.transport = transport;
    }
    let store = options.store;
    if (store === undefined) {
      store = createStateStore({
        settings: this.#settings,
        redis: redisConnectionFrom(this.#settings),
        keyPrefix: options.stateKeyPrefix ?? "litellm-router:",
        logger,
        clock,
      });
      this.#owned.store = store;
    }

    this.#rt = {
      settings,
      table: new ModelTable(options.modelList, settings),
      strategy: createStrategy(settings, priceOf),
      store,
      registry: options.registry ?? defaultProviders(),
      transport,
      callChat: options.callChat ?? callChat,
      callEmbedding: options.callEmbedding ?? callEmbedding,
      hooks: options.hooks ?? {},
      logger,
      clock,
      random: options.random ?? Math.random,
      priceOf,
      countTokens: options.countTokens ?? estimateTokens,
      countCompletionTokens: options.countCompletionTokens ?? estimateCompletionTokens,
    };
  }

  /**
   * A chat completion through the group `request.model` names. Resolves with the answer, or for
   * a stream as soon as its first chunk is in (failures before that are retried and fall back
   * invisibly); a failure after that is thrown from the parts iterator as a GatewayError.
   */
  async chatCompletion(
    request: ChatCompletionRequest,
    options: CallOptions<M> = {},
  ): Promise<RouterChatResult> {
    const rt = this.#rt;
    const { request: body, params } = splitRouterParams(request);
    const state = beginRequest(rt, "chat", body, body.stream === true, params, options);
    try {
      const pending = this.#preCall(rt, state);
      // A synchronous hook (the master key's, a cache miss without I/O) costs no await.
      const answer = pending instanceof Promise ? await pending : pending;
      if (answer !== undefined) {
        if (!("response" in answer))
          throw new TypeError("preCall answered a chat request without `response`");
        return this.#cached(rt, state, answer.response);
      }
      const assemble = rt.hooks.postCall !== undefined;
      const result = await runWithFallbacks(rt, state, state.ctx.modelGroup, (attempt) =>
        chatAttempt(rt, state, attempt, {
          request: body,
          assemble,
          onStreamEnd: (end) => this.#streamEnded(rt, state, end),
        }),
      );
      if (result.kind === "response") {
        state.ctx.timings.end = rt.clock.now();
        const usage = usableUsage(result.completion.usage, {
          promptTokens: state.tokens,
          completionTokens: () => rt.countCompletionTokens(completionText(result.completion)),
        });
        this.#finish(rt, state, {
          status: "success",
          response: result.completion,
          // Without the upstream's usage (or with one that cannot be charged), the answer's text
          // is counted and charged, as a stream's.
          ...usageOutcome(
            rt,
            state,
            usage,
            usage === undefined ? rt.countCompletionTokens(completionText(result.completion)) : 0,
          ),
        });
      }
      return decorate(rt, result, state);
    } catch (error) {
      throw this.#failed(rt, state, error);
    }
  }

  /** Embeddings through the group `request.model` names, with the same retries and fallbacks. */
  async embedding(
    request: EmbeddingRequest,
    options: CallOptions<M> = {},
  ): Promise<RouterEmbeddingResult> {
    const rt = this.#rt;
    const { request: body, params } = splitRouterParams(request);
    const state = beginRequest(rt, "embedding", body, false, params, options);
    try {
      const answer = await this.#preCall(rt, state);
      if (answer !== undefined && "embeddingParts" in answer) {
        return await this.#partlyAnswered(rt, state, answer.embeddingParts);
      }
      if (answer !== undefined) {
        if (!("embedding" in answer))
          throw new TypeError("preCall answered an embedding request without `embedding`");
        state.ctx.cacheHit = true;
        state.ctx.timings.end = rt.clock.now();
        const usage = answer.embedding.response.usage;
        this.#finish(rt, state, {
          status: "success",
          embedding: answer.embedding.response,
          // As stored (the spend log shows what the answer was worth); the cost is 0.
          usage: {
            prompt_tokens: usage.prompt_tokens,
            completion_tokens: 0,
            total_tokens: usage.total_tokens,
          },
        });
        return decorate(rt, answer.embedding, state, cacheRef(state));
      }
      return this.#embedded(
        rt,
        state,
        await runWithFallbacks(rt, state, state.ctx.modelGroup, (attempt) =>
          embeddingAttempt(rt, state, attempt, body),
        ),
      );
    } catch (error) {
      throw this.#failed(rt, state, error);
    }
  }

  /** Part of a batch answered by a hook: the rest goes upstream, the answer is merged. */
  async #partlyAnswered(
    rt: Runtime,
    state: RequestState,
    parts: EmbeddingParts,
  ): Promise<RouterEmbeddingResult> {
    const upstream = await runWithFallbacks(rt, state, state.ctx.modelGroup, (attempt) =>
      embeddingAttempt(rt, state, attempt, parts.rest),
    );
    // The upstream's usage covers the uncached inputs only; so does the count standing in for it.
    // Counted only when the upstream's usage cannot be charged (a batch can be large).
    const counted = () => rt.countTokens(parts.rest, "embedding");
    return this.#embedded(rt, state, mergeEmbeddingParts(parts, upstream), counted);
  }

  #embedded(
    rt: Runtime,
    state: RequestState,
    result: EmbeddingCallResult,
    counted: () => number = () => state.tokens,
  ): RouterEmbeddingResult {
    state.ctx.timings.end = rt.clock.now();
    const usage = embeddingUsage(result.response.usage, counted);
    this.#finish(rt, state, {
      status: "success",
      usage: {
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: 0,
        total_tokens: usage.total_tokens,
      },
      embedding: result.response,
      ...costOutcome(rt, state, usage),
    });
    return decorate(rt, result, state);
  }

  /** model_names and visible aliases, in config order (for /v1/models). */
  modelGroups(): string[] {
    return this.#rt.table.groupNames();
  }

  /** Whether a model name resolves: a group, an alias or a wildcard route. */
  hasModel(name: string): boolean {
    return this.#rt.table.has(name);
  }

  /**
   * The model group a name routes to (after `model_group_alias`), as the hooks' `modelGroup`
   * reads it; undefined for an unknown name. For routes that check access without a call.
   */
  modelGroupOf(name: string): string | undefined {
    return this.#rt.table.resolve(name)?.name;
  }

  /** Every configured deployment, without credentials (for /model/info). */
  deployments(): DeploymentInfo[] {
    const rt = this.#rt;
    return rt.table.deployments.map((d) => toDeploymentInfo(d, rt.priceOf));
  }

  /** Per deployment: cooling down or not (read from the shared store), and the store's own state. */
  async health(): Promise<RouterHealth> {
    const rt = this.#rt;
    const now = rt.clock.now();
    const deployments = rt.table.deployments;
    const pending = rt.store.cooldowns(
      deployments.map((d) => d.id),
      now,
    );
    const cooldowns = await pending;
    const healthy: DeploymentHealth[] = [];
    const unhealthy: DeploymentHealth[] = [];
    deployments.forEach((d, i) => {
      const until = cooldowns[i] ?? 0;
      const base = { id: d.id, modelName: d.modelGroup, model: d.model, provider: d.provider };
      if (until > now) unhealthy.push({ ...base, cooldownUntil: until });
      else healthy.push(base);
    });
    return { healthy, unhealthy, store: rt.store.status() };
  }

  /** The state store's status (Redis reachable or serving from local state). */
  storeStatus(): StoreStatus {
    return this.#rt.store.status();
  }

  /**
   * Replaces the model list (models added at runtime). Requests in flight finish on the old
   * list; ids are stable, so state carries over for unchanged deployments.
   */
  setModelList(modelList: readonly ModelListEntry[]): void {
    const rt = this.#rt;
    this.#rt = { ...rt, table: new ModelTable(modelList, rt.settings) };
  }

  /** Closes what the router created (its transport and store); injected ones are the caller's. */
  async close(): Promise<void> {
    await Promise.all([this.#owned.transport?.close(), this.#owned.store?.close()]);
  }

  /** The pre-call hook's answer; a promise only when the hook returned one. Throws, not rejects. */
  #preCall(
    rt: Runtime,
    state: RequestState,
  ): PreCallAnswer | undefined | Promise<PreCallAnswer | undefined> {
    if (state.ctx.signal?.aborted === true) throw new ClientClosedError();
    // Unknown models are refused before any hook runs (nothing to budget or cache).
    resolveGroup(rt, state.ctx.requestedModel);
    const preCall = rt.hooks.preCall;
    if (preCall === undefined) return undefined;
    const answer = preCall(state.ctx);
    if (answer != null && typeof (answer as { then?: unknown }).then === "function") {
      return Promise.resolve(answer).then((a) => a ?? undefined);
    }
    return (answer as PreCallAnswer | undefined) ?? undefined;
  }

  #cached(rt: Runtime, state: RequestState, response: ChatCallResult): RouterChatResult {
    state.ctx.cacheHit = true;
    state.ctx.timings.firstToken = rt.clock.now();
    state.ctx.timings.end = state.ctx.timings.firstToken;
    this.#finish(rt, state, {
      status: "success",
      ...(response.kind === "response"
        ? {
            response: response.completion,
            ...(response.completion.usage ? { usage: response.completion.usage } : {}),
          }
        : {}),
    });
    return decorate(rt, response, state, cacheRef(state));
  }

  #streamEnded(rt: Runtime, state: RequestState, end: StreamEnd): void {
    state.ctx.timings.end = rt.clock.now();
    // Without the upstream's usage (it comes last), the delivered text is counted and charged.
    const charged = chargedUsage(end, rt.countCompletionTokens, state.tokens);
    const usage = usageOutcome(rt, state, charged.usage, charged.estimatedCompletionTokens);
    if (end.status === "success") {
      this.#finish(rt, state, {
        status: "success",
        ...usage,
        ...(end.completion === undefined ? {} : { response: end.completion }),
      });
    } else {
      this.#finish(rt, state, {
        status: "failure",
        partial: true,
        ...usage,
        ...(end.completion === undefined ? {} : { response: end.completion }),
        ...(end.error === undefined ? {} : { error: end.error }),
      });
    }
  }

  #failed(rt: Runtime, state: RequestState, thrown: unknown): GatewayError {
    // Call failures arrive typed (runGroup wraps them); anything else is a hook's or our bug.
    const typed = thrown instanceof GatewayError ? thrown : internalError(thrown);
    const lastAttempt = state.ctx.attempts.at(-1);
    const error =
      lastAttempt === undefined
        ? typed
        : explainUpstreamCredentialsError(typed, lastAttempt.modelGroup);
    state.ctx.timings.end = rt.clock.now();
    // A client that left while a deployment had its request pays for the prompt it sent there
    // (nothing came back to count); leaving just before the answer made any prompt free.
    const left = error instanceof ClientClosedError && state.answeredBy !== undefined;
    this.#finish(rt, state, {
      status: "failure",
      error,
      ...(left ? usageOutcome(rt, state, undefined, 0) : {}),
    });
    return error;
  }

  /** The post-call hook, exactly once per request; its errors are logged, never thrown. */
  #finish(rt: Runtime, state: RequestState, outcome: PostCallOutcome): void {
    if (state.finished) return;
    state.finished = true;
    // What the answer cost (0 for a cache hit): the x-litellm-response-cost header.
    if (outcome.cost !== undefined) state.ctx.cost = outcome.cost;
    else if (state.ctx.cacheHit) state.ctx.cost = 0;
    const postCall = rt.hooks.postCall;
    if (postCall === undefined) return state.markSettled();
    try {
      const pending = postCall(state.ctx, outcome);
      if (pending !== undefined && typeof pending.then === "function") {
        pending.then(state.markSettled, (error: unknown) => {
          logHookError(rt, state, error);
          state.markSettled();
        });
        return;
      }
    } catch (error) {
      logHookError(rt, state, error);
    }
    state.markSettled();
  }
}

function logHookError(rt: Runtime, state: RequestState, error: unknown): void {
  rt.logger.error("router: post-call hook failed", {
    request_id: state.ctx.callId,
    error: error instanceof Error ? error.message : String(error),
  });
}
