import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { snapshotManagementTables } from "../testing/management-tables.ts";

// Hostile values on the management API, over HTTP: NUL characters and lone surrogates, values
// larger than an index row, numbers past their column's range, durations past the last date,
// metadata nested thousands deep, `__proto__` keys. Each one was a 500 (a PostgreSQL or a
// JavaScript error escaping); each must be a 400 in the error envelope naming the field in
// `param`, and change nothing in the database.

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface Case {
  name: string;
  method?: "GET" | "POST";
  path: string;
  body?: unknown;
  /** Raw body text instead of JSON.stringify(body). */
  raw?: string;
  /** undefined: not checked (a refusal only the database's error mapping catches names no field). */
  param: string | null | undefined;
  code?: string;
}

const NUL = "a\u0000b";
const LONE_HIGH = "a\ud800b";
const LONE_LOW = "\udc00";
/** Larger than a btree index row (2,704 bytes), well under the 5 MB body limit. */
const HUGE = "x".repeat(3 * 1024 * 1024);
const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
const OVER_INT32 = 2 ** 31;
const OVER_INT64 = 2 ** 64;

// prettier-ignore
const cases: Case[] = [
  // NUL characters: PostgreSQL text cannot hold them (22021), jsonb cannot either (22P05).
  { name: "key_alias with NUL", path: "/key/generate", body: { key_alias: NUL }, param: "key_alias" },
  { name: "team_alias with NUL", path: "/team/new", body: { team_alias: NUL }, param: "team_alias" },
  { name: "user_id with NUL", path: "/user/new", body: { user_id: NUL }, param: "user_id" },
  { name: "user_email with NUL", path: "/user/new", body: { user_id: "u-nul-mail", user_email: NUL }, param: "user_email" },
  { name: "organization_alias with NUL", path: "/organization/new", body: { organization_alias: NUL }, param: "organization_alias" },
  { name: "customer user_id with NUL", path: "/customer/new", body: { user_id: NUL }, param: "user_id" },
  { name: "budget_id with NUL", path: "/budget/new", body: { budget_id: NUL }, param: "budget_id" },
  { name: "models entry with NUL", path: "/key/generate", body: { models: ["gpt-4o", NUL] }, param: "models.1" },
  { name: "metadata value with NUL", path: "/key/generate", body: { metadata: { note: NUL } }, param: "metadata" },
  { name: "metadata key with NUL", path: "/team/new", body: { metadata: { [NUL]: 1 } }, param: "metadata" },
  { name: "model_info with NUL", path: "/model/new", body: { model_name: "m-nul", litellm_params: { model: "openai/x" }, model_info: { description: NUL } }, param: "model_info" },
  // Lone surrogates: not UTF-8 at all (jsonb refuses them; text silently mangles them).
  { name: "metadata with a lone high surrogate", path: "/team/new", body: { metadata: { x: LONE_HIGH } }, param: "metadata" },
  { name: "aliases with a lone low surrogate", path: "/key/generate", body: { aliases: { a: LONE_LOW } }, param: "aliases.a" },
  { name: "key_alias with a lone surrogate", path: "/key/generate", body: { key_alias: LONE_HIGH }, param: "key_alias" },
  { name: "user metadata with a lone surrogate key", path: "/user/new", body: { user_id: "u-sur", metadata: { [LONE_LOW]: true } }, param: "metadata" },
  // Megabytes in indexed columns (54000: index row too big) and in jsonb.
  { name: "3 MB key_alias", path: "/key/generate", body: { key_alias: HUGE }, param: "key_alias" },
  { name: "3 MB team_alias", path: "/team/new", body: { team_alias: HUGE }, param: "team_alias" },
  { name: "3 MB team_id", path: "/team/new", body: { team_id: HUGE }, param: "team_id" },
  { name: "3 MB user_email", path: "/user/new", body: { user_id: "u-huge-mail", user_email: HUGE }, param: "user_email" },
  { name: "3 MB model_name", path: "/model/new", body: { model_name: HUGE, litellm_params: { model: "openai/x" } }, param: "model_name" },
  { name: "3 MB metadata", path: "/key/generate", body: { metadata: { blob: HUGE } }, param: "metadata" },
  // Money past numeric(20,10) (22003).
  { name: "key max_budget 1e10", path: "/key/generate", body: { max_budget: 1e10 }, param: "max_budget" },
  { name: "team soft_budget 1e12", path: "/team/new", body: { soft_budget: 1e12 }, param: "soft_budget" },
  { name: "user spend 1e10", path: "/user/update", body: { user_id: "victim", spend: 1e10 }, param: "spend" },
  { name: "organization max_budget 1e15", path: "/organization/new", body: { organization_alias: "o", max_budget: 1e15 }, param: "max_budget" },
  { name: "max_budget_in_team 1e10", path: "/team/member_add", body: { team_id: "team-b", member: { role: "user", user_id: "new-b" }, max_budget_in_team: 1e10 }, param: "max_budget_in_team" },
  { name: "customer max_budget 1e300", path: "/customer/new", body: { user_id: "c-big", max_budget: 1e300 }, param: "max_budget" },
  { name: "temp_budget_increase 1e10", path: "/key/update", body: { key: "$key", temp_budget_increase: 1e10 }, param: "temp_budget_increase" },
  // Integers past their columns: integer (max_parallel_requests) and bigint (rpm/tpm).
  { name: "key max_parallel_requests 2^31", path: "/key/generate", body: { max_parallel_requests: OVER_INT32 }, param: "max_parallel_requests" },
  { name: "budget max_parallel_requests 2^31", path: "/budget/new", body: { max_parallel_requests: OVER_INT32 }, param: "max_parallel_requests" },
  { name: "team rpm_limit 2^64", path: "/team/new", body: { rpm_limit: OVER_INT64 }, param: "rpm_limit" },
  { name: "user tpm_limit 1e20", path: "/user/new", body: { user_id: "u-tpm", tpm_limit: 1e20 }, param: "tpm_limit" },
  { name: "model_rpm_limit 1e20", path: "/key/generate", body: { model_rpm_limit: { "gpt-4o": 1e20 } }, param: "model_rpm_limit.gpt-4o" },
  // Per-model limits the budgets could not read: stored, then limiting nothing (or for life).
  { name: "model_max_budget negative", path: "/key/generate", body: { model_max_budget: { "gpt-4o": -5 } }, param: "model_max_budget.gpt-4o" },
  { name: "model_max_budget as words", path: "/key/update", body: { key: "$key", model_max_budget: { "gpt-4o": "5$" } }, param: "model_max_budget.gpt-4o" },
  { name: "model_max_budget bad time_period", path: "/key/generate", body: { model_max_budget: { "gpt-4o": { budget_limit: 1, time_period: "garbage" } } }, param: "model_max_budget.gpt-4o.time_period" },
  { name: "model_max_budget naming no limit", path: "/key/generate", body: { model_max_budget: { "gpt-4o": { budget: 1 } } }, param: "model_max_budget.gpt-4o" },
  { name: "model_max_budget rpm as text", path: "/key/generate", body: { model_max_budget: { "gpt-4o": { rpm_limit: "lots" } } }, param: "model_max_budget.gpt-4o.rpm_limit" },
  { name: "team model_max_budget negative", path: "/team/new", body: { model_max_budget: { "gpt-4o": -1 } }, param: "model_max_budget.gpt-4o" },
  { name: "budget model_max_budget as text", path: "/budget/new", body: { model_max_budget: { "gpt-4o": { budget_limit: "x" } } }, param: "model_max_budget.gpt-4o.budget_limit" },
  { name: "metadata model_rpm_limit negative", path: "/key/generate", body: { metadata: { model_rpm_limit: { "gpt-4o": -5 } } }, param: "metadata.model_rpm_limit.gpt-4o" },
  { name: "metadata model_tpm_limit as words", path: "/key/update", body: { key: "$key", metadata: { model_tpm_limit: "lots" } }, param: "metadata.model_tpm_limit" },
  // An empty reference is no reference: it named no row, and PostgreSQL's answer named no field.
  { name: "key team_id empty", path: "/key/generate", body: { team_id: "" }, param: "team_id" },
  { name: "key user_id empty", path: "/key/generate", body: { user_id: "" }, param: "user_id" },
  { name: "key budget_id empty", path: "/key/update", body: { key: "$key", budget_id: "" }, param: "budget_id" },
  { name: "team organization_id empty", path: "/team/new", body: { organization_id: "" }, param: "organization_id" },
  { name: "user organization_id empty", path: "/user/new", body: { user_id: "u-empty-org", organization_id: "" }, param: "organization_id" },
  { name: "customer budget_id empty", path: "/customer/new", body: { user_id: "c-empty", budget_id: "" }, param: "budget_id" },
  // Durations past the last representable date.
  { name: "key duration 99999999999d", path: "/key/generate", body: { duration: "99999999999d" }, param: "duration" },
  { name: "key budget_duration 99999999999d", path: "/key/generate", body: { budget_duration: "99999999999d" }, param: "budget_duration" },
  { name: "team budget_duration 9999999999mo", path: "/team/new", body: { budget_duration: "9999999999mo" }, param: "budget_duration" },
  { name: "user duration 99999999999w", path: "/user/new", body: { user_id: "u-dur", duration: "99999999999w" }, param: "duration" },
  // A model is checked like a config model_list entry: what the router would misread is refused.
  { name: "model rpm as text", path: "/model/new", body: { model_name: "m-rpm", litellm_params: { model: "openai/x", rpm: "lots" } }, param: "litellm_params.rpm" },
  { name: "model price as text", path: "/model/new", body: { model_name: "m-free", litellm_params: { model: "openai/x", input_cost_per_token: "free" } }, param: "litellm_params.input_cost_per_token" },
  { name: "model negative timeout", path: "/model/new", body: { model_name: "m-timeout", litellm_params: { model: "openai/x", timeout: -5 } }, param: "litellm_params.timeout" },
  { name: "model api_key not a string", path: "/model/new", body: { model_name: "m-key", litellm_params: { model: "openai/x", api_key: { k: 1 } } }, param: "litellm_params.api_key" },
  { name: "model_info max_input_tokens as text", path: "/model/new", body: { model_name: "m-info", litellm_params: { model: "openai/x" }, model_info: { max_input_tokens: "big" } }, param: "model_info.max_input_tokens" },
  { name: "model update to a text rpm", path: "/model/update", body: { model_id: "$model", litellm_params: { rpm: "lots" } }, param: "litellm_params.rpm" },
  { name: "model update to a bad model_info id", path: "/model/update", body: { model_id: "$model", model_info: { id: "x".repeat(600) } }, param: "model_info.id" },
  // Nesting and prototype keys.
  { name: "metadata nested 50 deep", path: "/key/generate", raw: `{"metadata":${nested(50)}}`, param: "metadata" },
  { name: "metadata nested 10,000 deep", path: "/key/generate", raw: `{"metadata":${nested(10_000)}}`, param: null, code: "invalid_json" },
  { name: "a body nested a million deep", path: "/user/new", raw: `{"x":${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}}`, param: null, code: "invalid_json" },
  { name: "a body nested 5,000 deep", path: "/team/new", raw: `{"extra":${nested(5_000)}}`, param: null, code: "invalid_json" },
  { name: "a body with a __proto__ key", path: "/key/generate", raw: '{"__proto__":{"max_budget":-1},"key_alias":"p"}', param: null, code: "invalid_json" },
  { name: "metadata with a __proto__ key", path: "/team/new", raw: '{"metadata":{"__proto__":{"polluted":true}}}', param: null, code: "invalid_json" },
  // Query strings reach the same columns.
  { name: "key list by key_alias with NUL", method: "GET", path: "/key/list?key_alias=a%00b", param: "key_alias" },
  { name: "spend logs by user_id with NUL", method: "GET", path: "/spend/logs?user_id=a%00b", param: "user_id" },
  { name: "team info with NUL", method: "GET", path: "/team/info?team_id=a%00b", param: "team_id" },
  { name: "key list page 1e20", method: "GET", path: "/key/list?page=100000000000000000000", param: "page" },
  { name: "organization info with NUL", method: "GET", path: "/organization/info?organization_id=a%00b", param: "organization_id" },
  { name: "customer info with NUL", method: "GET", path: "/customer/info?end_user_id=a%00b", param: "end_user_id" },
  // Refused by PostgreSQL (22021) and mapped to a 400 by the last-resort translation.
  { name: "user info with NUL", method: "GET", path: "/user/info?user_id=a%00b", param: undefined },
  { name: "user list by user_ids with NUL", method: "GET", path: "/user/list?user_ids=a%00b", param: undefined },
  { name: "key delete by a key_alias with NUL", path: "/key/delete", body: { key_aliases: [NUL] }, param: "key_aliases.0" },
  { name: "team member_delete by user_email with NUL", path: "/team/member_delete", body: { team_id: "team-b", user_email: NUL }, param: "user_email" },
  { name: "budget info with a 3 MB id", path: "/budget/info", body: { budgets: [HUGE] }, param: "budgets.0" },
  { name: "customer block with NUL", path: "/customer/block", body: { user_ids: [NUL] }, param: "user_ids.0" },
  { name: "spend report from year -200000", method: "GET", path: "/global/spend/report?start_date=-200000-01-01&end_date=2030-01-01", param: "start_date" },
];

describe("hostile management input is a 400, never a 500", () => {
  let gateway: TestGateway;
  let key: string;
  let modelId: string;

  const snapshot = () => snapshotManagementTables(gateway.gateway.db.db);

  beforeAll(async () => {
    gateway = await startTestGateway({
      config: {
        model_list: [
          { model_name: "mock", litellm_params: { model: "mock/mock-1", mock_response: "hi" } },
        ],
      },
      env: { LITELLM_SALT_KEY: "salt-for-bad-input-tests" },
    });
    await manage(gateway, gateway.masterKey, "/user/new", { user_id: "victim" });
    await manage(gateway, gateway.masterKey, "/team/new", { team_id: "team-b" });
    key = (await manage(gateway, gateway.masterKey, "/key/generate", {})).key as string;
    modelId = (
      await manage<{ model_info: { id: string } }>(gateway, gateway.masterKey, "/model/new", {
        model_name: "m-ok",
        litellm_params: { model: "openai/x", api_base: "http://127.0.0.1:9/v1" },
      })
    ).model_info.id;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it.each(cases)("$name", async (c) => {
    const before = await snapshot();
    const raw = c.raw ?? (c.body === undefined ? undefined : JSON.stringify(c.body));
    const res = await fetch(`${gateway.url}${c.path}`, {
      method: c.method ?? "POST",
      headers: { authorization: `Bearer ${gateway.masterKey}`, "content-type": "application/json" },
      ...(raw === undefined
        ? {}
        : {
            body: raw
              .replace('"$key"', JSON.stringify(key))
              .replace('"$model"', JSON.stringify(modelId)),
          }),
    });
    const text = await res.text();
    expect(res.status, text.slice(0, 500)).toBe(400);
    const json = JSON.parse(text) as Envelope;
    expect(Object.keys(json)).toEqual(["error"]);
    expect(json.error.type).toBe("invalid_request_error");
    expect(json.error.code).toBe(c.code ?? "400");
    if (c.param !== undefined) expect(json.error.param).toBe(c.param);
    if (c.param) expect(json.error.message).toContain(c.param);
    // The answer stays small: it names the field, it does not echo a megabyte back.
    expect(text.length).toBeLessThan(4096);
    expect(await snapshot()).toEqual(before);
  });

  it("values at the limits are accepted, and a key carrying them still serves requests", async () => {
    const created = await manage(gateway, gateway.masterKey, "/key/generate", {
      key_alias: "é".repeat(256),
      max_budget: 9_999_999_999,
      max_parallel_requests: 2 ** 31 - 1,
      rpm_limit: Number.MAX_SAFE_INTEGER,
      tpm_limit: Number.MAX_SAFE_INTEGER,
      model_rpm_limit: { mock: Number.MAX_SAFE_INTEGER },
      duration: "36500d",
      budget_duration: "36500d",
      metadata: { deep: JSON.parse(nested(20)), emoji: "😀" },
    });
    expect(created).toMatchObject({ max_budget: 9_999_999_999, key_alias: "é".repeat(256) });
    const res = await fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${created.key as string}`,
        "content-type": "application/json",
      },
      body: JSON.stringify({ model: "mock", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const info = await manage<{ info: Record<string, unknown> }>(
      gateway,
      gateway.masterKey,
      `/key/info?key=${created.key as string}`,
    );
    expect(info.info).toMatchObject({
      rpm_limit: Number.MAX_SAFE_INTEGER,
      max_budget: 9_999_999_999,
    });
  });
});
