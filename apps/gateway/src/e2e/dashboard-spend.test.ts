import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeRows, type DbClient } from "@org/db";
import { callerFrom, spendLogsUiPageSql } from "@org/management";
import { openaiError, openaiRateLimitError, startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { seedDashboardData, type SeededDashboardData } from "../testing/seed-dashboard-data.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { gpt4oAtFixedPrice } from "../testing/priced-upstream.ts";

// The dashboard's spend views over HTTP on 100,000 seeded rows (PGlite): /spend/logs/ui paged and
// filtered, its detail, /user/daily/activity, what a restricted session may see, and the page
// query's plan (index use, asserted on EXPLAIN, never on a timing). Last, requests whose first
// deployments fail: each row records the retries, the fallback chain and the failed tries.

const DASHBOARD = { "x-dashboard-request": "1" };
const ROWS = 100_000;
/** Put in the failing upstream's error bodies: the log of a failed try must never keep it. */
const UPSTREAM_BODY = "upstream-error-body-do-not-log";

interface Page {
  data: Record<string, unknown>[];
  total: number;
  page: number;
  page_size: number;
  total_pages: number;
}
interface Metrics {
  spend: number;
  api_requests: number;
  successful_requests: number;
  failed_requests: number;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cache_hits: number;
  latency_p50_ms: number | null;
  latency_p95_ms: number | null;
}
interface Activity {
  results: {
    date: string;
    metrics: Metrics;
    breakdown: {
      models: Record<string, { metrics: Metrics }>;
      api_keys: Record<string, { metrics: Metrics; metadata: { key_alias: string | null } }>;
      teams: Record<string, { metrics: Metrics; metadata: { team_alias: string | null } }>;
      providers: Record<string, { metrics: Metrics }>;
    };
  }[];
  breakdown: Activity["results"][number]["breakdown"];
  metadata: Record<string, number>;
}

/** EXPLAIN needs the statement with its values: params inlined as quoted literals. */
function inline(statement: string, params: unknown[]): string {
  return statement.replace(/\$(\d+)/g, (_, n: string) => {
    const value = params[Number(n) - 1];
    if (typeof value === "number") return String(value);
    const text = value instanceof Date ? value.toISOString() : String(value);
    return `'${text.replace(/'/g, "''")}'`;
  });
}

describe("dashboard spend API over HTTP (100,000 seeded rows)", () => {
  let upstream: FakeServer;
  /** Every deployment on it fails: a 429 for models named "ratelimited-*", else a 500. */
  let broken: FakeServer;
  let gateway: TestGateway;
  let db: DbClient;
  let seeded: SeededDashboardData;
  let teamKey: string;
  let teamKeyHash: string;
  let realRequestId: string;
  const now = new Date();

  const admin = <T>(path: string) => manage<T>(gateway, gateway.masterKey, path);
  const count = async (where: string) =>
    (
      await executeRows<{ n: number }>(
        db,
        `select count(*)::int as n from spend_logs where ${where}`,
      )
    )[0]!.n;
  const getWith = (cookie: string, path: string) =>
    fetch(`${gateway.url}${path}`, { headers: { cookie, ...DASHBOARD } });
  const loginKey = async (apiKey: string) => {
    const res = await fetch(`${gateway.url}/v2/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ api_key: apiKey }),
    });
    expect(res.status).toBe(200);
    return res.headers.get("set-cookie")!.split(";")[0]!;
  };

  beforeAll(async () => {
    [upstream, broken] = await Promise.all([startFakeOpenAI(), startFakeOpenAI()]);
    broken.setDefault((req) =>
      String((req.json as { model?: unknown }).model).startsWith("ratelimited-")
        ? openaiRateLimitError({ retryAfter: 0, message: UPSTREAM_BODY })
        : openaiError(500, { message: UPSTREAM_BODY }),
    );
    const failing = (group: string, model: string) => ({
      model_name: group,
      litellm_params: { model: `openai/${model}`, api_key: "sk-up", api_base: `${broken.url}/v1` },
    });
    gateway = await startTestGateway({
      config: {
        model_list: [
          gpt4oAtFixedPrice(upstream),
          // Two failing deployments per group: the retry goes to the other one at once (no
          // back-off), so each group is one try and one retry.
          failing("flaky", "flaky-a"),
          failing("flaky", "ratelimited-b"),
          failing("flaky-stream", "flaky-c"),
          failing("flaky-stream", "ratelimited-d"),
          failing("doomed", "doomed-a"),
          failing("doomed", "ratelimited-doomed-b"),
          failing("doomed-backup", "doomed-c"),
          failing("doomed-backup", "doomed-d"),
        ],
        router_settings: {
          num_retries: 1,
          disable_cooldowns: true,
          fallbacks: [
            { flaky: ["gpt-4o"] },
            { "flaky-stream": ["gpt-4o"] },
            { doomed: ["doomed-backup"] },
          ],
        },
      },
    });
    db = gateway.gateway.db.db;
    seeded = await seedDashboardData(db, { rows: ROWS, keys: 1_000, now });

    // One real request, by a team's key that has no user: its row is all that key may see.
    const created = await manage<{ key: string; token: string }>(
      gateway,
      gateway.masterKey,
      "/key/generate",
      { team_id: seeded.teamIds[0], key_alias: "team-service-key" },
    );
    teamKey = created.key;
    teamKeyHash = created.token;
    const client = new OpenAI({ apiKey: teamKey, baseURL: gateway.baseURL, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hello dashboard" }] })
      .withResponse();
    realRequestId = response.headers.get("x-litellm-call-id")!;
    await gateway.gateway.budgets.flushSpendNow();
  }, 300_000);
  afterAll(async () => {
    await gateway?.close();
    await Promise.all([upstream?.close(), broken?.close()]);
  });

  it("pages newest first with LiteLLM's row fields, page_size at most 100", async () => {
    const first = await admin<Page>("/spend/logs/ui?page=1&page_size=50");
    expect(first.total).toBe(ROWS + 1);
    expect(first).toMatchObject({
      page: 1,
      page_size: 50,
      total_pages: Math.ceil((ROWS + 1) / 50),
    });
    expect(first.data).toHaveLength(50);
    // The real request is the newest row; its fields are the ones the UI reads.
    expect(first.data[0]).toMatchObject({
      request_id: realRequestId,
      api_key: teamKeyHash,
      key_alias: "team-service-key",
      team_id: seeded.teamIds[0],
      model_group: "gpt-4o",
      status: "success",
      status_code: 200,
      cache_hit: false,
    });
    for (const field of [
      "call_type",
      "user",
      "end_user",
      "model",
      "model_id",
      "api_base",
      "startTime",
      "endTime",
      "request_duration_ms",
      "spend",
      "prompt_tokens",
      "completion_tokens",
      "total_tokens",
      "request_tags",
      "metadata",
    ]) {
      expect(first.data[0], field).toHaveProperty(field);
    }
    expect(first.data[0]).not.toHaveProperty("messages");
    const second = await admin<Page>("/spend/logs/ui?page=2&page_size=50");
    const times = [...first.data, ...second.data].map((r) => Date.parse(r.startTime as string));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const ids = new Set([...first.data, ...second.data].map((r) => r.request_id));
    expect(ids.size).toBe(100);
    const last = await admin<Page>(`/spend/logs/ui?page=${first.total_pages}&page_size=50`);
    expect(last.data).toHaveLength((ROWS + 1) % 50 || 50);

    for (const bad of [
      "page_size=101",
      "page_size=0",
      "page=0",
      "page=abc",
      "status_filter=oops",
    ]) {
      const res = await fetch(`${gateway.url}/spend/logs/ui?${bad}`, {
        headers: { authorization: `Bearer ${gateway.masterKey}` },
      });
      expect(res.status, bad).toBe(400);
      expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    }
  });

  it("applies every filter in SQL: the totals are the database's counts", async () => {
    const key = seeded.keys[17]!;
    const day = new Date(now.getTime() - 3 * 86_400_000).toISOString().slice(0, 10);
    const cases: [string, string, (row: Record<string, unknown>) => boolean][] = [
      [
        `team_id=${seeded.teamIds[2]}`,
        `team_id = '${seeded.teamIds[2]}'`,
        (r) => r.team_id === seeded.teamIds[2],
      ],
      [
        `api_key=${key.keyHash}`,
        `api_key_hash = '${key.keyHash}'`,
        (r) => r.api_key === key.keyHash,
      ],
      [`api_key=${key.key}`, `api_key_hash = '${key.keyHash}'`, (r) => r.api_key === key.keyHash],
      [
        `key_alias=${key.keyAlias}`,
        `api_key_hash = '${key.keyHash}'`,
        (r) => r.key_alias === key.keyAlias,
      ],
      [
        `user_id=${seeded.userIds[5]}`,
        `user_id = '${seeded.userIds[5]}'`,
        (r) => r.user === seeded.userIds[5],
      ],
      [
        "model=claude-sonnet",
        `model_group = 'claude-sonnet'`,
        (r) => r.model_group === "claude-sonnet",
      ],
      ["status_filter=failure", `status = 'failure'`, (r) => r.status === "failure"],
      ["status_filter=success", `status = 'success'`, (r) => r.status === "success"],
      [
        `request_id=seed-${seeded.prefix}-42`,
        `request_id = 'seed-${seeded.prefix}-42'`,
        (r) => r.request_id === `seed-${seeded.prefix}-42`,
      ],
      [
        `start_date=${day}&end_date=${day}`,
        `start_time >= '${day}' and start_time < '${day}'::date + 1`,
        (r) => (r.startTime as string).startsWith(day),
      ],
      [
        `team_id=${seeded.teamIds[1]}&model=gpt-4o&status_filter=failure&team_id=`,
        `team_id = '${seeded.teamIds[1]}' and model_group = 'gpt-4o' and status = 'failure'`,
        (r) =>
          r.team_id === seeded.teamIds[1] && r.model_group === "gpt-4o" && r.status === "failure",
      ],
    ];
    for (const [params, where, matches] of cases) {
      const page = await admin<Page>(`/spend/logs/ui?page_size=100&${params}`);
      const expected = await count(where);
      expect(expected, params).toBeGreaterThan(0);
      expect(page.total, params).toBe(expected);
      expect(page.data.length, params).toBe(Math.min(100, expected));
      expect(page.data.every(matches), params).toBe(true);
    }
    // Failures carry their status code; ~3% of the seeded rows.
    const failures = await admin<Page>("/spend/logs/ui?status_filter=failure&page_size=5");
    expect(failures.total).toBe(Math.ceil(ROWS / 33));
    expect(failures.data.every((r) => r.status_code === 429 || r.status_code === 500)).toBe(true);
  });

  it("shows one request's detail, and 404 for an unknown id", async () => {
    const failed = await admin<Page>("/spend/logs/ui?status_filter=failure&page_size=1");
    const id = failed.data[0]!.request_id as string;
    const detail = await admin<Record<string, unknown>>(`/spend/logs/ui/${encodeURIComponent(id)}`);
    expect(detail).toMatchObject({
      request_id: id,
      status: "failure",
      error: { error_class: expect.stringMatching(/Error$/), error_message: expect.any(String) },
      deployment: { model_id: expect.any(String), custom_llm_provider: expect.any(String) },
      retries: null,
      fallbacks: [],
    });
    const missing = await fetch(`${gateway.url}/spend/logs/ui/no-such-request`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(missing.status).toBe(404);
    for (const hostile of ["%00", "a%00b"]) {
      const res = await fetch(`${gateway.url}/spend/logs/ui/${hostile}`, {
        headers: { authorization: `Bearer ${gateway.masterKey}` },
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { type: "invalid_request_error" } });
    }
  });

  it("a restricted session sees only its own rows, whatever filter it passes", async () => {
    const own = seeded.keys[3]!;
    const other = seeded.keys.find((k) => k.userId !== own.userId && k.teamId !== own.teamId)!;
    const cookie = await loginKey(own.key);
    const ownCount = await count(`user_id = '${own.userId}'`);

    const mine = (await (await getWith(cookie, "/spend/logs/ui?page_size=100")).json()) as Page;
    expect(mine.total).toBe(ownCount);
    expect(mine.data.every((r) => r.user === own.userId)).toBe(true);

    // Adversary: another team's id, another user's key (raw and hash), another key's alias.
    for (const params of [
      `team_id=${other.teamId}`,
      `api_key=${other.keyHash}`,
      `api_key=${other.key}`,
      `key_alias=${other.keyAlias}`,
      `request_id=${realRequestId}`,
    ]) {
      const res = await getWith(cookie, `/spend/logs/ui?${params}`);
      expect(res.status, params).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.total, params).toBe(0);
      expect(page.data, params).toEqual([]);
    }
    // Adversary, part two: SQL-ish text, LIKE wildcards, a raw key in another case, arrays,
    // unknown spellings of user_id, repeated params (the first one is the one checked and used).
    for (const params of [
      `team_id=${encodeURIComponent("' OR '1'='1")}`,
      `key_alias=%25`,
      `model=${encodeURIComponent("x') OR true --")}`,
      `api_key=${other.key.toUpperCase()}`,
      `api_key=${other.keyHash.toUpperCase()}`,
      `user_id[]=${other.userId}`,
      `USER_ID=${other.userId}`,
      `user_id=${own.userId}&user_id=${other.userId}`,
    ]) {
      const res = await getWith(cookie, `/spend/logs/ui?page_size=100&${params}`);
      expect(res.status, params).toBe(200);
      const page = (await res.json()) as Page;
      expect(page.total, params).toBeLessThanOrEqual(ownCount);
      expect(
        page.data.every((r) => r.user === own.userId),
        params,
      ).toBe(true);
    }
    const otherUser = await getWith(cookie, `/spend/logs/ui?user_id=${other.userId}`);
    expect(otherUser.status).toBe(403);
    const otherFirst = `/spend/logs/ui?user_id=${other.userId}&user_id=${own.userId}`;
    expect((await getWith(cookie, otherFirst)).status).toBe(403);
    expect((await getWith(cookie, `/spend/logs/ui/${realRequestId}/`)).status).toBe(404);
    expect((await getWith(cookie, `/spend/logs/ui/${realRequestId.toUpperCase()}`)).status).toBe(
      404,
    );
    expect((await getWith(cookie, `/spend/logs/ui/${realRequestId}`)).status).toBe(404);
    const activity = (await (
      await getWith(cookie, `/user/daily/activity?team_id=${other.teamId}`)
    ).json()) as Activity;
    expect(activity.metadata.total_api_requests).toBe(0);
    const ownActivity = (await (await getWith(cookie, "/user/daily/activity")).json()) as Activity;
    // Without dates: the last 30 days (today included), from the start of the first one.
    expect(ownActivity.metadata.total_api_requests).toBe(
      await count(
        `user_id = '${own.userId}' and start_time >= '${ownActivity.metadata.start_date}'`,
      ),
    );

    // A team's key without a user sees the rows of that key alone.
    const teamCookie = await loginKey(teamKey);
    const teamPage = (await (await getWith(teamCookie, "/spend/logs/ui")).json()) as Page;
    expect(teamPage.data.map((r) => r.request_id)).toEqual([realRequestId]);
    const teamWide = (await (
      await getWith(teamCookie, `/spend/logs/ui?team_id=${seeded.teamIds[0]}`)
    ).json()) as Page;
    expect(teamWide.total).toBe(1);
  });

  it("daily activity: per-day metrics and breakdowns add up to the rows", async () => {
    const start = new Date(now.getTime() - 40 * 86_400_000).toISOString().slice(0, 10);
    const end = now.toISOString().slice(0, 10);
    const activity = await admin<Activity>(
      `/user/daily/activity?start_date=${start}&end_date=${end}`,
    );
    const [totals] = await executeRows<{
      n: number;
      spend: number;
      tokens: number;
      failed: number;
      hits: number;
    }>(
      db,
      `select count(*)::int as n, sum(spend)::float8 as spend, sum(total_tokens)::int as tokens,
         (count(*) filter (where status = 'failure'))::int as failed,
         (count(*) filter (where cache_hit))::int as hits from spend_logs`,
    );
    expect(activity.metadata.total_api_requests).toBe(totals!.n);
    expect(activity.metadata.total_failed_requests).toBe(totals!.failed);
    expect(activity.metadata.total_successful_requests).toBe(totals!.n - totals!.failed);
    expect(activity.metadata.total_tokens).toBe(totals!.tokens);
    expect(activity.metadata.total_spend).toBeCloseTo(totals!.spend, 6);
    expect(activity.metadata.latency_p95_ms).toBeGreaterThanOrEqual(
      activity.metadata.latency_p50_ms!,
    );
    expect(activity.results.length).toBeGreaterThanOrEqual(30);
    expect(activity.results.map((r) => r.date)).toEqual(activity.results.map((r) => r.date).sort());

    const sumOf = (items: { metrics: Metrics }[], field: keyof Metrics) =>
      items.reduce((total, item) => total + (item.metrics[field] as number), 0);
    let requests = 0;
    let spend = 0;
    for (const day of activity.results) {
      requests += day.metrics.api_requests;
      spend += day.metrics.spend;
      for (const part of ["models", "api_keys", "teams", "providers"] as const) {
        const items = Object.values(day.breakdown[part]);
        expect(sumOf(items, "api_requests"), `${day.date} ${part}`).toBe(day.metrics.api_requests);
        expect(sumOf(items, "failed_requests"), `${day.date} ${part}`).toBe(
          day.metrics.failed_requests,
        );
        expect(sumOf(items, "spend")).toBeCloseTo(day.metrics.spend, 6);
      }
    }
    expect(requests).toBe(totals!.n);
    expect(spend).toBeCloseTo(totals!.spend, 6);

    // One day checked against the rows directly, with names for its keys and teams.
    const day = activity.results[activity.results.length - 5]!;
    expect(day.metrics.api_requests).toBe(
      await count(`to_char(start_time at time zone 'UTC', 'YYYY-MM-DD') = '${day.date}'`),
    );
    const [hash, keyEntry] = Object.entries(day.breakdown.api_keys).find(
      ([h]) => h !== teamKeyHash,
    )!;
    expect(keyEntry.metadata.key_alias).toBe(seeded.keys.find((k) => k.keyHash === hash)!.keyAlias);
    expect(day.breakdown.teams[seeded.teamIds[0]!]!.metadata.team_alias).toBe("seed-team-0");
    expect(Object.keys(day.breakdown.models).sort()).toEqual(
      seeded.models.map((m) => m.modelGroup).sort(),
    );

    // Ours: the breakdowns summed over the range, and per-day breakdowns a client may leave out.
    for (const part of ["models", "api_keys", "teams", "providers"] as const) {
      const items = Object.values(activity.breakdown[part]);
      expect(sumOf(items, "api_requests"), part).toBe(totals!.n);
      expect(sumOf(items, "spend"), part).toBeCloseTo(totals!.spend, 6);
    }
    expect(Object.keys(activity.breakdown.api_keys)).toHaveLength(seeded.keys.length + 1);
    expect(activity.breakdown.api_keys[seeded.keys[0]!.keyHash]!.metadata.key_alias).toBe(
      seeded.keys[0]!.keyAlias,
    );
    const slim = await admin<Activity>(
      `/user/daily/activity?start_date=${start}&end_date=${end}&daily_breakdown=models,teams`,
    );
    expect(slim.metadata.total_api_requests).toBe(totals!.n);
    expect(slim.breakdown).toEqual(activity.breakdown);
    for (const d of slim.results) {
      expect(d.breakdown.api_keys).toEqual({});
      expect(d.breakdown.providers).toEqual({});
      expect(sumOf(Object.values(d.breakdown.teams), "api_requests")).toBe(d.metrics.api_requests);
    }
    const badPart = await fetch(`${gateway.url}/user/daily/activity?daily_breakdown=secrets`, {
      headers: { authorization: `Bearer ${gateway.masterKey}` },
    });
    expect(badPart.status).toBe(400);

    // Filters narrow the same way as the log's.
    const team = seeded.teamIds[4]!;
    const byTeam = await admin<Activity>(
      `/user/daily/activity?start_date=${start}&end_date=${end}&team_id=${team}&model=gpt-4o`,
    );
    expect(byTeam.metadata.total_api_requests).toBe(
      await count(`team_id = '${team}' and model_group = 'gpt-4o'`),
    );
    const bad = await fetch(
      `${gateway.url}/user/daily/activity?start_date=${end}&end_date=${start}`,
      {
        headers: { authorization: `Bearer ${gateway.masterKey}` },
      },
    );
    expect(bad.status).toBe(400);
  });

  it("the page query uses an index for each filter: no sequential scan of spend_logs", async () => {
    const adminCaller = callerFrom({ kind: "master", keyHash: "0".repeat(64) });
    const start = new Date(now.getTime() - 7 * 86_400_000).toISOString();
    const cases: [Record<string, string>, RegExp][] = [
      [{}, /spend_logs_start_time_idx/],
      [{ start_date: start, end_date: now.toISOString() }, /spend_logs_start_time_idx/],
      // A team holds 1/8 of the rows and a user 1/20: walking start_time backwards finds 50 of
      // them soonest, so the planner may rightly prefer it to the owner's index.
      [{ team_id: seeded.teamIds[3]! }, /spend_logs_(team_id_)?start_time_idx/],
      [{ api_key: seeded.keys[9]!.keyHash }, /spend_logs_api_key_hash_start_time_idx/],
      [{ user_id: seeded.userIds[9]! }, /spend_logs_(user_id_)?start_time_idx/],
      [
        { model: "gemini-pro", start_date: start },
        /spend_logs_model_start_time_idx|spend_logs_start_time_idx/,
      ],
      [{ status_filter: "failure" }, /spend_logs_status_start_time_idx/],
      [{ page: "40", page_size: "100" }, /spend_logs_start_time_idx/],
    ];
    for (const [query, index] of cases) {
      const { sql, params } = spendLogsUiPageSql(db, adminCaller, query);
      const plan = (await executeRows<Record<string, string>>(db, `explain ${inline(sql, params)}`))
        .map((row) => Object.values(row)[0])
        .join("\n");
      expect(plan, JSON.stringify(query)).toMatch(index);
      expect(plan, JSON.stringify(query)).not.toMatch(/Seq Scan on spend_logs/);
    }
  });
  // Runs last: its rows would change the counts the tests above assert.
  it("records retries, the fallback chain and every failed try; the detail shows them", async () => {
    const client = new OpenAI({
      apiKey: gateway.masterKey,
      baseURL: gateway.baseURL,
      maxRetries: 0,
    });
    const idsOf = (group: string) =>
      gateway.gateway.deps.router
        .deployments()
        .filter((d) => d.modelName === group)
        .map((d) => d.id)
        .sort();
    const messages = [{ role: "user" as const, content: "through the fallbacks" }];
    type Detail = Record<string, unknown> & {
      failed_attempts: { model_id: string; model_group: string; error_class: string }[];
    };
    const detailOf = (id: string) => admin<Detail>(`/spend/logs/ui/${encodeURIComponent(id)}`);

    // flaky: a 500 and a 429 (one try, one retry), then gpt-4o answers.
    const served = await client.chat.completions
      .create({ model: "flaky", messages })
      .withResponse();
    expect(served.response.headers.get("x-litellm-attempted-retries")).toBe("1");
    expect(served.response.headers.get("x-litellm-attempted-fallbacks")).toBe("1");
    // The same, streamed.
    const streamed = await client.chat.completions
      .create({ model: "flaky-stream", messages, stream: true })
      .withResponse();
    for await (const _chunk of streamed.data) {
      // drained: the log is written once the stream ends
    }
    // doomed: two tries, then doomed-backup: two tries; all fail and the client gets the error.
    const refused = await client.chat.completions.create({ model: "doomed", messages }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    const refusedId = (refused as InstanceType<typeof OpenAI.APIError>).headers?.get(
      "x-litellm-call-id",
    );
    expect(refusedId).toBeTruthy();
    await gateway.gateway.budgets.flushSpendNow();

    for (const [response, group] of [
      [served.response, "flaky"],
      [streamed.response, "flaky-stream"],
    ] as const) {
      const detail = await detailOf(response.headers.get("x-litellm-call-id")!);
      expect(detail, group).toMatchObject({
        status: "success",
        model_group: "gpt-4o",
        original_model_group: group,
        retries: 1,
        fallbacks: ["gpt-4o"],
        failed_attempts_omitted: 0,
        // LiteLLM's names in the row's metadata: a count of fallbacks, as its header has it.
        metadata: { attempted_retries: 1, attempted_fallbacks: 1, original_model_group: group },
      });
      const failed = [...detail.failed_attempts].sort((a, b) =>
        a.error_class.localeCompare(b.error_class),
      );
      expect(failed, group).toMatchObject([
        { model_group: group, error_class: "InternalServerError", status_code: 500 },
        { model_group: group, error_class: "RateLimitError", status_code: 429 },
      ]);
      expect(failed.map((a) => a.model_id).sort(), group).toEqual(idsOf(group));
      // Neither the upstream's error body nor its key is kept.
      expect(JSON.stringify(detail), group).not.toContain(UPSTREAM_BODY);
      expect(JSON.stringify(detail), group).not.toContain("sk-up");
    }

    // Served at the first try: 0 retries, no chain, nothing failed.
    expect(await detailOf(realRequestId)).toMatchObject({
      retries: 0,
      fallbacks: [],
      failed_attempts: [],
      metadata: { attempted_retries: 0, attempted_fallbacks: 0 },
    });

    // Every fallback failed: each of the four tries is in the failed request's row.
    const failedDetail = await detailOf(refusedId!);
    expect(failedDetail).toMatchObject({
      status: "failure",
      original_model_group: "doomed",
      retries: 2,
      fallbacks: ["doomed-backup"],
      error: { error_class: expect.any(String) },
    });
    expect(failedDetail.failed_attempts).toHaveLength(4);
    expect(failedDetail.failed_attempts.map((a) => a.model_group)).toEqual([
      "doomed",
      "doomed",
      "doomed-backup",
      "doomed-backup",
    ]);
    expect(failedDetail.failed_attempts.map((a) => a.model_id).sort()).toEqual(
      [...idsOf("doomed"), ...idsOf("doomed-backup")].sort(),
    );
    expect(JSON.stringify(failedDetail.failed_attempts)).not.toContain(UPSTREAM_BODY);
  });
});
