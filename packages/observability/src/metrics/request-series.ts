import type { RequestEvent } from "../events/request-event.ts";
import { MISSING_LABEL_VALUE, OVERFLOW_LABEL_VALUE, type LabelLimiter } from "./label-limiter.ts";
import {
  CACHE_LABELS,
  LEGACY_TOKENS_LABELS,
  LLM_API_FAILED_LABELS,
  LLM_API_LATENCY_LABELS,
  REQUEST_LATENCY_LABELS,
  REQUESTS_LABELS,
  TOKENS_LABELS,
  type LabelName,
  type Labels,
} from "./litellm-metric-labels.ts";

export const SEPARATOR = "\u0001";

/** One label combination of the per-request metrics, with its running totals. */
export interface Series {
  readonly requests: Labels;
  readonly tokens: Labels;
  readonly legacyTokens: Labels;
  readonly requestLatency: Labels;
  readonly llmLatency: Labels;
  readonly llmFailed: Labels;
  readonly cache: Labels;
  readonly identity: Labels;
  successes: number;
  spend: number;
  inputTokens: number;
  outputTokens: number;
  llmFailures: number;
  cacheHits: number;
  cachedTokens: number;
  readonly proxyTotal: Map<string, { readonly labels: Labels; count: number }>;
  readonly proxyFailed: Map<string, { readonly labels: Labels; count: number }>;
}

/**
 * The per-request metrics' label combinations, each resolved once (label values bounded by
 * the limiter, label objects built for every metric) and then found by one Map lookup per
 * event. Past `maxSeries` combinations, new ones share one `other` record.
 */
export class SeriesTable {
  private readonly series = new Map<string, Series>();

  constructor(
    private readonly limiter: LabelLimiter,
    private readonly trackEndUser: boolean,
    private readonly maxSeries: number,
  ) {}

  values(): IterableIterator<Series> {
    return this.series.values();
  }

  /** The record for the event's label combination, made on first sight. */
  get(event: RequestEvent): Series {
    const l = this.limiter;
    const endUser = this.trackEndUser ? l.value("end_user", event.endUser) : MISSING_LABEL_VALUE;
    const keyHash = l.value("hashed_api_key", event.keyHash);
    const keyAlias = l.value("api_key_alias", event.keyAlias);
    const team = l.value("team", event.teamId);
    const teamAlias = l.value("team_alias", event.teamAlias);
    const user = l.value("user", event.userId);
    const orgId = l.value("org_id", event.orgId);
    const orgAlias = l.value("org_alias", event.orgAlias);
    const requested = l.value("requested_model", event.requestedModel);
    const model = l.value("model", event.providerModel);
    const modelId = l.value("model_id", event.deploymentId);
    const provider = l.value("api_provider", event.provider);
    const key = [
      endUser,
      keyHash,
      keyAlias,
      team,
      teamAlias,
      user,
      orgId,
      orgAlias,
      requested,
      model,
      modelId,
      provider,
    ].join(SEPARATOR);
    const found = this.series.get(key);
    if (found) return found;
    if (this.series.size >= this.maxSeries) return this.overflow();
    const s = makeSeries({
      end_user: endUser,
      hashed_api_key: keyHash,
      api_key_alias: keyAlias,
      team,
      team_alias: teamAlias,
      user,
      org_id: orgId,
      org_alias: orgAlias,
      requested_model: requested,
      model,
      model_id: modelId,
      api_provider: provider,
    });
    this.series.set(key, s);
    return s;
  }

  private overflow(): Series {
    const key = SEPARATOR;
    let s = this.series.get(key);
    if (!s) {
      const o = OVERFLOW_LABEL_VALUE;
      s = makeSeries({
        end_user: o,
        hashed_api_key: o,
        api_key_alias: o,
        team: o,
        team_alias: o,
        user: o,
        org_id: o,
        org_alias: o,
        requested_model: o,
        model: o,
        model_id: o,
        api_provider: o,
      });
      this.series.set(key, s);
    }
    return s;
  }
}

function makeSeries(
  all: Required<Pick<Labels, (typeof REQUESTS_LABELS)[number] | "requested_model">>,
): Series {
  const pick = (names: readonly LabelName[]): Labels => {
    const out: Labels = {};
    for (const name of names) out[name] = all[name as keyof typeof all];
    return out;
  };
  return {
    requests: pick(REQUESTS_LABELS),
    tokens: pick(TOKENS_LABELS),
    legacyTokens: pick(LEGACY_TOKENS_LABELS),
    requestLatency: pick(REQUEST_LATENCY_LABELS),
    llmLatency: pick(LLM_API_LATENCY_LABELS),
    llmFailed: pick(LLM_API_FAILED_LABELS),
    cache: pick(CACHE_LABELS),
    identity: pick([
      "end_user",
      "hashed_api_key",
      "api_key_alias",
      "requested_model",
      "team",
      "team_alias",
      "user",
      "model_id",
      "org_id",
      "org_alias",
    ]),
    successes: 0,
    spend: 0,
    inputTokens: 0,
    outputTokens: 0,
    llmFailures: 0,
    cacheHits: 0,
    cachedTokens: 0,
    proxyTotal: new Map(),
    proxyFailed: new Map(),
  };
}
