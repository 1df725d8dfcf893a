import { NotFoundError } from "@org/core";
import { spendLogs, virtualKeys, type DbClient } from "@org/db";
import {
  and,
  count,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  lt,
  sql,
  type SQL,
} from "drizzle-orm";
import { hashKey } from "@org/budgets";
import type { Caller } from "./caller.ts";
import { parse } from "./schemas.ts";
import { RequestIdParam, SpendLogsUiQuery } from "./spend-dashboard-schemas.ts";
import { spendScope } from "./spend-scope.ts";

const DAY_MS = 86_400_000;

/** A key filter may be the key itself or its hash (as LiteLLM accepts both). */
const keyHashOf = (value: string) => (value.startsWith("sk-") ? hashKey(value) : value);

/** `end_date` is inclusive: a date without a time covers that whole day (UTC). */
export function endBound(text: string): Date {
  const t = Date.parse(text);
  return /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(t + DAY_MS) : new Date(t + 1);
}

/** The model a row is filed under: the public model group, else the provider's model name. */
export const modelOf = sql<string>`coalesce(${spendLogs.modelGroup}, ${spendLogs.model})`;

// The list leaves out the request and response bodies (large, and only for the detail view).
const { messages: _messages, response: _response, ...listColumns } = getTableColumns(spendLogs);

type ListRow = Omit<typeof spendLogs.$inferSelect, "messages" | "response">;

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** One row of GET /spend/logs/ui, in LiteLLM's field names. */
function uiRow(s: ListRow, keyAlias: string | null): Record<string, unknown> {
  const metaAlias = s.metadata["user_api_key_alias"];
  return {
    request_id: s.requestId,
    call_type: s.callType,
    api_key: s.apiKeyHash,
    key_alias: keyAlias ?? (typeof metaAlias === "string" ? metaAlias : null),
    team_id: s.teamId,
    user: s.userId,
    end_user: s.endUserId,
    organization_id: s.organizationId,
    model: s.model,
    model_group: s.modelGroup,
    model_id: s.modelId,
    custom_llm_provider: s.provider,
    api_base: s.apiBase,
    startTime: iso(s.startTime),
    endTime: iso(s.endTime),
    completionStartTime: iso(s.completionStartTime),
    request_duration_ms: s.requestDurationMs,
    spend: s.spend,
    prompt_tokens: s.promptTokens,
    completion_tokens: s.completionTokens,
    total_tokens: s.totalTokens,
    cache_hit: s.cacheHit,
    status: s.status === "success" ? "success" : "failure",
    status_code: s.statusCode,
    request_tags: s.requestTags,
    metadata: s.metadata,
  };
}

/**
 * The detail's `retries` (null when the row does not say), `fallbacks` (the groups tried after
 * the requested one, in order) and `failed_attempts` (deployment, group, error class, status),
 * read defensively: metadata is jsonb another writer may have filled.
 */
function routingDetail(meta: Record<string, unknown>) {
  const retries = meta["attempted_retries"];
  const chain = meta["fallback_chain"];
  const failed = meta["failed_attempts"];
  const omitted = meta["failed_attempts_omitted"];
  return {
    retries: typeof retries === "number" ? retries : null,
    original_model_group:
      typeof meta["original_model_group"] === "string" ? meta["original_model_group"] : null,
    fallbacks: Array.isArray(chain) ? chain.filter((g) => typeof g === "string") : [],
    failed_attempts: Array.isArray(failed)
      ? failed.filter((a): a is Record<string, unknown> => typeof a === "object" && a !== null)
      : [],
    failed_attempts_omitted: typeof omitted === "number" ? omitted : 0,
  };
}

type LogsUiQuery = ReturnType<typeof SpendLogsUiQuery.parse>;

/** The page and count statements of GET /spend/logs/ui: the filters, each on an indexed column. */
function logsUiQueries(db: DbClient, caller: Caller, q: LogsUiQuery) {
  const filters: SQL[] = [];
  const scope = spendScope(caller, q.user_id);
  if (scope) filters.push(scope);
  if (q.start_date) filters.push(gte(spendLogs.startTime, new Date(q.start_date)));
  if (q.end_date) filters.push(lt(spendLogs.startTime, endBound(q.end_date)));
  if (q.api_key) filters.push(eq(spendLogs.apiKeyHash, keyHashOf(q.api_key)));
  if (q.team_id) filters.push(eq(spendLogs.teamId, q.team_id));
  if (q.user_id) filters.push(eq(spendLogs.userId, q.user_id));
  if (q.model) filters.push(eq(modelOf, q.model));
  if (q.status_filter) filters.push(eq(spendLogs.status, q.status_filter));
  if (q.request_id) filters.push(eq(spendLogs.requestId, q.request_id));
  if (q.key_alias) {
    // Aliases live on the key; the rows hold its hash (indexed on both sides).
    filters.push(
      inArray(
        spendLogs.apiKeyHash,
        db
          .select({ hash: virtualKeys.tokenHash })
          .from(virtualKeys)
          .where(eq(virtualKeys.keyAlias, q.key_alias)),
      ),
    );
  }
  const where = filters.length > 0 ? and(...filters) : undefined;
  return {
    page: db
      .select({ log: listColumns, keyAlias: virtualKeys.keyAlias })
      .from(spendLogs)
      .leftJoin(virtualKeys, eq(virtualKeys.tokenHash, spendLogs.apiKeyHash))
      .where(where)
      .orderBy(desc(spendLogs.startTime), desc(spendLogs.requestId))
      .limit(q.page_size)
      .offset((q.page - 1) * q.page_size),
    total: db.select({ n: count() }).from(spendLogs).where(where),
  };
}

/**
 * The SQL and parameters of GET /spend/logs/ui's page query for this caller and query string,
 * exactly as `logsUi` runs it: for tests and operators checking its plan with EXPLAIN.
 */
export function spendLogsUiPageSql(
  db: DbClient,
  caller: Caller,
  query: unknown,
): { sql: string; params: unknown[] } {
  return logsUiQueries(db, caller, parse(SpendLogsUiQuery, query)).page.toSQL();
}

/**
 * GET /spend/logs/ui and GET /spend/logs/ui/:request_id: the dashboard's request log, paged and
 * filtered in SQL. Every filter maps to an indexed column (see the spend_logs indexes), newest
 * first; `total` counts the same filtered set.
 */
export function createSpendLogPages(db: DbClient) {
  return {
    async logsUi(caller: Caller, query: unknown) {
      const q = parse(SpendLogsUiQuery, query);
      const { page, total: totalQuery } = logsUiQueries(db, caller, q);
      const [rows, [counted]] = await Promise.all([page, totalQuery]);
      const total = counted?.n ?? 0;
      return {
        data: rows.map((r) => uiRow(r.log, r.keyAlias)),
        total,
        page: q.page,
        page_size: q.page_size,
        total_pages: Math.ceil(total / q.page_size),
      };
    },

    /** One row and what the detail view shows about it, or 404 (also for rows not the caller's). */
    async logUi(caller: Caller, rawRequestId: string) {
      // Bounded like every management input: a NUL or an oversized id is a 400, not a 500.
      const { request_id: requestId } = parse(RequestIdParam, { request_id: rawRequestId });
      const scope = spendScope(caller, undefined);
      const [row] = await db
        .select({ log: spendLogs, keyAlias: virtualKeys.keyAlias })
        .from(spendLogs)
        .leftJoin(virtualKeys, eq(virtualKeys.tokenHash, spendLogs.apiKeyHash))
        .where(
          scope
            ? and(eq(spendLogs.requestId, requestId), scope)
            : eq(spendLogs.requestId, requestId),
        )
        .limit(1);
      // Another caller's row answers exactly like a missing one: its existence is not told.
      if (!row) throw new NotFoundError(`Spend log not found: ${requestId}`, { code: "404" });
      const s = row.log;
      const meta = s.metadata;
      return {
        ...uiRow(s, row.keyAlias),
        // What the router did (recorded by @org/budgets' routingMetadata); rows written before it
        // was recorded have no count: null, not a claimed 0.
        ...routingDetail(meta),
        error:
          s.status === "success"
            ? null
            : {
                error_class: s.errorType,
                error_message: s.errorMessage,
                status_code: s.statusCode,
              },
        deployment: {
          model_id: s.modelId,
          model: s.model,
          model_group: s.modelGroup,
          custom_llm_provider: s.provider,
          api_base: s.apiBase,
        },
        cache_key: s.cacheKey,
        requester_ip_address: s.requesterIpAddress,
        messages: s.messages,
        response: s.response,
      };
    },
  };
}
