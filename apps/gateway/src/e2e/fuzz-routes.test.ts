import { appendFileSync } from "node:fs";
import { executeRows } from "@org/db";
import { createFakeClock } from "@org/budgets";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { defaultConfig } from "../config/index.ts";
import {
  hostileHeaderValue,
  hostilePathSegment,
  hostileQueryPart,
  hostileRawBody,
  hostileString,
  hostileValue,
  PROTOTYPE_KEYS,
  toJsonText,
} from "../testing/hostile-input.ts";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { MANAGEMENT_TABLES } from "../testing/management-tables.ts";

// Property-based fuzzing of every public route over real HTTP: generated hostile requests (wrong
// types, huge and deep values, NUL, lone surrogates, prototype keys, odd headers, malformed and
// non-UTF-8 bodies, undecodable paths and queries). Whatever comes in, the gateway answers: no
// crash, no 5xx, every refusal a well-formed 4xx in the route's own envelope (Anthropic's on the
// Messages routes, OpenAI's/LiteLLM's elsewhere), and a refused management call changes no table.
// The seed is fixed so CI runs the same >= 10,000 requests every time; FUZZ_SEED explores others.

const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed17);
// FUZZ_SCALE shrinks a local run (e.g. 0.1 while working on a fix); CI runs the full count.
const SCALE = Number(process.env.FUZZ_SCALE ?? 1);
const RUNS = {
  inference: Math.ceil(5_200 * SCALE),
  management: Math.ceil(4_000 * SCALE),
  reads: Math.ceil(1_000 * SCALE),
};
const TIMEOUT = 600_000;

type Who = "master" | "virtual" | "internal" | "none" | "garbage" | "hostile";

interface Route {
  method: string;
  path: string;
}

interface HostileRequest {
  route: Route;
  path: string;
  who: Who;
  hostileAuth: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

let sent = 0;
/** Answers by status class and route family, printed at the end: shows how deep the fuzz got. */
const statuses = new Map<string, number>();

const isAnthropicRoute = (path: string) => /(^|\/)messages(\/|$)/.test(path);

/** Is `text` this route's error envelope? Returns why not, or undefined when it is. */
function envelopeProblem(route: Route, text: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return "error body is not JSON";
  }
  const body = json as { type?: unknown; error?: { type?: unknown; message?: unknown } };
  if (typeof body !== "object" || body === null || typeof body.error !== "object")
    return "no `error` object";
  if (typeof body.error.message !== "string" || body.error.message === "")
    return "error.message is not a non-empty string";
  if (typeof body.error.type !== "string") return "error.type is not a string";
  if (isAnthropicRoute(route.path) && body.type !== "error")
    return "not Anthropic's envelope ({type:'error', error:{type, message}})";
  return undefined;
}

async function send(gateway: TestGateway, keys: Record<Who, string>, req: HostileRequest) {
  const headers: Record<string, string> = { ...req.headers };
  const token = req.who === "hostile" ? req.hostileAuth : keys[req.who];
  if (req.who !== "none") {
    if (isAnthropicRoute(req.route.path) && req.hostileAuth.length % 2 === 0)
      headers["x-api-key"] = token;
    else headers["authorization"] = req.who === "hostile" ? token : `Bearer ${token}`;
  }
  sent += 1;
  // FUZZ_TRACE=file logs each request before it is sent: the last line names the one that
  // took the process down, when a crash leaves no counterexample to print.
  if (process.env.FUZZ_TRACE) {
    const body = typeof req.body === "string" ? req.body.slice(0, 2_000) : String(req.body);
    appendFileSync(
      process.env.FUZZ_TRACE,
      `${req.route.method} ${req.path.slice(0, 300)} ${body}\n`,
    );
  }
  const res = await fetch(`${gateway.url}${req.path}`, {
    method: req.route.method,
    headers,
    ...(req.body === undefined || req.route.method === "GET"
      ? {}
      : { body: typeof req.body === "string" ? req.body : Buffer.from(req.body) }),
  });
  const text = await res.text();
  const tally = `${res.status} ${req.route.path.split("/")[1] ?? ""}`;
  statuses.set(tally, (statuses.get(tally) ?? 0) + 1);
  return { status: res.status, text, contentType: res.headers.get("content-type") ?? "" };
}

/** Fails with what was sent and what came back when an answer breaks the contract. */
function checkAnswer(
  req: HostileRequest,
  answer: { status: number; text: string; contentType: string },
): void {
  const shown = () =>
    `${req.route.method} ${req.path.slice(0, 300)} as ${req.who} -> ${answer.status} ` +
    `${answer.text.slice(0, 400)}\nbody: ${typeof req.body === "string" ? req.body.slice(0, 400) : String(req.body)}`;
  if (answer.status >= 500) throw new Error(`5xx: ${shown()}`);
  if (answer.status >= 400) {
    if (!answer.contentType.includes("application/json"))
      throw new Error(`4xx without a JSON body: ${shown()}`);
    const problem = envelopeProblem(req.route, answer.text);
    if (problem) throw new Error(`malformed 4xx (${problem}): ${shown()}`);
  }
}

// Mostly keys that pass auth, so most requests reach the routes' own checks.
const WHO = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Who>("master") },
  { weight: 2, arbitrary: fc.constantFrom<Who>("virtual", "internal") },
  { weight: 1, arbitrary: fc.constantFrom<Who>("none", "garbage", "hostile") },
);

const CONTENT_TYPES = fc.constantFrom(
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-16",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "",
);

/** Sets `value` at a field path inside a copy of `base` (creating objects on the way). */
function withField(base: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const container = (
    typeof base === "object" && base !== null
      ? Array.isArray(base)
        ? [...(base as unknown[])]
        : { ...(base as Record<string, unknown>) }
      : {}
  ) as Record<string | number, unknown>;
  // defineProperty so "__proto__" becomes an own key, as JSON.parse would make it.
  Object.defineProperty(container, head, {
    value: withField(container[head], rest, value),
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return container;
}

/** A body: a valid base with hostile fields, a hostile JSON value, or raw hostile bytes. */
function hostileBody(
  bases: readonly unknown[],
  fieldPaths: readonly (readonly (string | number)[])[],
): fc.Arbitrary<string | Uint8Array> {
  const fieldName = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...fieldPaths) },
    { weight: 1, arbitrary: fc.constantFrom(...PROTOTYPE_KEYS).map((k) => [k]) },
    { weight: 1, arbitrary: hostileString.map((k) => [k.slice(0, 64)]) },
  );
  const mutated = fc
    .tuple(
      fc.constantFrom(...bases),
      fc.array(fc.tuple(fieldName, hostileValue), { minLength: 1, maxLength: 3 }),
    )
    .map(([base, edits]) => {
      let body = base;
      for (const [path, value] of edits) body = withField(body, path, value);
      return toJsonText(body);
    });
  return fc.oneof(
    { weight: 8, arbitrary: mutated },
    { weight: 1, arbitrary: hostileValue.map(toJsonText) },
    { weight: 2, arbitrary: hostileRawBody },
  );
}

function requestFor(
  routes: readonly Route[],
  body: (route: Route) => fc.Arbitrary<string | Uint8Array>,
): fc.Arbitrary<HostileRequest> {
  return fc.constantFrom(...routes).chain((route) =>
    fc.record({
      route: fc.constant(route),
      path: fc
        .tuple(
          fc.array(hostilePathSegment, { minLength: 3, maxLength: 3 }),
          fc.option(
            fc.array(fc.tuple(hostileQueryPart, hostileQueryPart), { minLength: 1, maxLength: 4 }),
            { nil: undefined },
          ),
        )
        .map(([segments, query]) => {
          let i = 0;
          const path = route.path.replace(/:[A-Za-z_]+/g, () => segments[i++ % 3] || "x");
          // Kept under Node's 16 KiB header limit: past it Node answers 431 before any route
          // (client-error.ts gives that a JSON body; its own test covers it).
          const search = query
            ?.map(([k, v]) => `${k}=${v}`)
            .join("&")
            .slice(0, 8_000);
          return search ? `${path}?${search}` : path;
        }),
      who: WHO,
      hostileAuth: hostileHeaderValue,
      headers: fc
        .record(
          {
            "content-type": CONTENT_TYPES,
            "x-litellm-call-id": hostileHeaderValue,
            "anthropic-version": hostileHeaderValue,
            "x-litellm-tags": hostileHeaderValue,
          },
          { requiredKeys: [] },
        )
        .map((h) => h as Record<string, string>),
      body: body(route),
    }),
  );
}

/** The method + path of every route the app registers (middleware entries left out). */
function registeredRoutes(gateway: TestGateway): Route[] {
  const seen = new Map<string, Route>();
  for (const r of createApp(gateway.gateway.deps).routes) {
    if (r.method === "ALL" || r.path.endsWith("*")) continue;
    seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  }
  return [...seen.values()];
}

const MESSAGES = [{ role: "user", content: "hi" }];
const INFERENCE_BASES: Record<string, unknown[]> = {
  chat: [
    { model: "mock", messages: MESSAGES },
    { model: "mock", messages: MESSAGES, stream: true },
    { model: "mock", messages: MESSAGES, stream: true, stream_options: { include_usage: true } },
  ],
  messages: [
    { model: "mock", max_tokens: 16, messages: MESSAGES },
    { model: "mock", max_tokens: 16, messages: MESSAGES, stream: true },
  ],
  responses: [
    { model: "mock", input: "hi" },
    { model: "mock", input: "hi", stream: true },
  ],
  completions: [
    { model: "mock", prompt: "hi" },
    { model: "mock", prompt: "hi", stream: true },
  ],
  embeddings: [{ model: "mock-embedding", input: "hi" }],
};
const INFERENCE_FIELDS: (string | number)[][] = [
  ["model"],
  ["messages"],
  ["messages", 0],
  ["messages", 0, "content"],
  ["messages", 0, "role"],
  ["messages", 0, "name"],
  ["messages", 1],
  ["max_tokens"],
  ["max_completion_tokens"],
  ["temperature"],
  ["top_p"],
  ["n"],
  ["stop"],
  ["stream"],
  ["stream_options"],
  ["tools"],
  ["tools", 0, "function", "parameters"],
  ["tool_choice"],
  ["response_format"],
  ["user"],
  ["metadata"],
  ["metadata", "tags"],
  ["seed"],
  ["logit_bias"],
  ["input"],
  ["prompt"],
  ["system"],
  ["instructions"],
  ["encoding_format"],
  ["dimensions"],
  ["fallbacks"],
  ["num_retries"],
  ["timeout"],
  ["an_unknown_field"],
  ["an_unknown_field", "deep"],
];

function inferenceBases(path: string): unknown[] {
  if (path.includes("embeddings")) return INFERENCE_BASES.embeddings!;
  if (isAnthropicRoute(path)) return INFERENCE_BASES.messages!;
  if (path.includes("responses")) return INFERENCE_BASES.responses!;
  if (path.includes("chat/completions")) return INFERENCE_BASES.chat!;
  return INFERENCE_BASES.completions!;
}

const MANAGEMENT_FIELDS: (string | number)[][] = [
  "key",
  "keys",
  "key_alias",
  "key_name",
  "team_id",
  "team_alias",
  "user_id",
  "user_email",
  "user_role",
  "user_alias",
  "organization_id",
  "organization_alias",
  "budget_id",
  "models",
  "max_budget",
  "soft_budget",
  "spend",
  "budget_duration",
  "duration",
  "expires",
  "tpm_limit",
  "rpm_limit",
  "max_parallel_requests",
  "model_max_budget",
  "model_rpm_limit",
  "model_tpm_limit",
  "metadata",
  "aliases",
  "config",
  "permissions",
  "allowed_routes",
  "tags",
  "blocked",
  "members",
  "members_with_roles",
  "member",
  "role",
  "send_invite_email",
  "model_name",
  "litellm_params",
  "model_info",
  "id",
  "end_user_id",
  "user_ids",
  "team_ids",
  "start_date",
  "end_date",
  "group_by",
  "page",
  "size",
  "max_budget_in_organization",
].map((f) => [f]);
MANAGEMENT_FIELDS.push(
  ["litellm_params", "model"],
  ["litellm_params", "api_key"],
  ["litellm_params", "api_base"],
  ["model_info", "id"],
  ["members", 0],
  ["members", 0, "role"],
  ["members", 0, "user_id"],
  ["member", "role"],
  ["member", "user_id"],
  ["metadata", "tags"],
);

describe("fuzzing every public route with hostile input (fast-check, fixed seed)", () => {
  let inference: TestGateway;
  let management: TestGateway;
  const inferenceKeys = {} as Record<Who, string>;
  const managementKeys = {} as Record<Who, string>;
  const managementBases: unknown[] = [{}];

  const setUpKeys = async (gateway: TestGateway, keys: Record<Who, string>) => {
    keys.master = gateway.masterKey;
    keys.none = "";
    keys.garbage = "sk-not-a-real-key";
    keys.hostile = "";
    const virtual = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      models: ["mock", "mock-embedding"],
      max_budget: 1000,
    });
    keys.virtual = virtual.key;
    await manage(gateway, gateway.masterKey, "/user/new", {
      user_id: "fuzz-internal",
      user_role: "internal_user",
    });
    const internal = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      user_id: "fuzz-internal",
    });
    keys.internal = internal.key;
  };

  beforeAll(async () => {
    // A fake clock that never moves: no budget window or key expiry falls due while fuzzing,
    // so the reset job never writes and any table change is the fuzzed call's.
    const clock = createFakeClock(Date.UTC(2026, 0, 1));
    [inference, management] = await Promise.all([
      startTestGateway({ config: defaultConfig() }),
      startTestGateway({ config: defaultConfig(), clock }),
    ]);
    await Promise.all([setUpKeys(inference, inferenceKeys), setUpKeys(management, managementKeys)]);

    // Real targets for the id-taking routes, so hostile fields reach the deeper checks.
    const team = await manage<{ team_id: string }>(management, management.masterKey, "/team/new", {
      team_alias: "fuzz-team",
      models: ["mock"],
    });
    const org = await manage<{ organization_id: string }>(
      management,
      management.masterKey,
      "/organization/new",
      { organization_alias: "fuzz-org" },
    );
    managementBases.push(
      { key: managementKeys.virtual },
      { key: managementKeys.internal },
      { keys: [managementKeys.internal] },
      { team_id: team.team_id },
      { team_id: team.team_id, member: { user_id: "fuzz-internal", role: "user" } },
      { user_id: "fuzz-internal" },
      { organization_id: org.organization_id },
      { model_name: "fuzz-model", litellm_params: { model: "mock/fuzz" } },
    );

    // Every write to a watched table bumps a counter; rolled-back writes leave it as it was.
    const db = management.gateway.db.db;
    for (const statement of [
      "create table if not exists fuzz_writes (n bigint not null)",
      "insert into fuzz_writes select 0 where not exists (select 1 from fuzz_writes)",
      `create or replace function fuzz_bump() returns trigger language plpgsql as $$
       begin update fuzz_writes set n = n + 1; return null; end $$`,
    ]) {
      await executeRows(db, statement);
    }
    for (const table of MANAGEMENT_TABLES) {
      await executeRows(
        db,
        `create trigger fuzz_watch after insert or update or delete on ${table}
         for each row execute function fuzz_bump()`,
      );
    }
  }, 120_000);
  afterAll(async () => {
    const rows = [...statuses].sort(([a], [b]) => a.localeCompare(b));
    console.log(
      `fuzz answers (status route-prefix count): ${rows.map((r) => r.join(" ")).join(", ")}`,
    );
    await Promise.all([inference?.close(), management?.close()]);
  });

  const writes = async () => {
    const [row] = await executeRows<{ n: string | number }>(
      management.gateway.db.db,
      "select n from fuzz_writes",
    );
    return Number(row?.n ?? 0);
  };

  it("enumerates every registered route", () => {
    const routes = registeredRoutes(inference);
    const names = routes.map((r) => `${r.method} ${r.path}`);
    // A sample of each family; the suite covers whatever the app registers.
    for (const expected of [
      "POST /v1/chat/completions",
      "POST /v1/messages",
      "POST /v1/responses",
      "POST /v1/completions",
      "POST /v1/embeddings",
      "GET /v1/models",
      "POST /key/generate",
      "POST /key/update",
      "POST /team/new",
      "POST /model/new",
      "GET /spend/logs",
    ]) {
      expect(names).toContain(expected);
    }
    expect(routes.length).toBeGreaterThan(50);
  });

  it(
    "inference routes: no 5xx, every refusal in the route's envelope",
    async () => {
      const routes = registeredRoutes(inference).filter(
        (r) =>
          r.method === "POST" &&
          /(completions|messages|responses|embeddings)/.test(r.path) &&
          !r.path.startsWith("/key") &&
          !r.path.startsWith("/model/"),
      );
      expect(routes.length).toBeGreaterThanOrEqual(13);
      await fc.assert(
        fc.asyncProperty(
          requestFor(routes, (route) => hostileBody(inferenceBases(route.path), INFERENCE_FIELDS)),
          async (req) => checkAnswer(req, await send(inference, inferenceKeys, req)),
        ),
        { seed: SEED, numRuns: RUNS.inference, endOnFailure: true },
      );
    },
    TIMEOUT,
  );

  it(
    "management routes: no 5xx, LiteLLM's envelope, and a refused call changes no table",
    async () => {
      const routes = registeredRoutes(management).filter(
        (r) =>
          !/(completions|messages|responses|embeddings)/.test(r.path) &&
          !r.path.startsWith("/health") &&
          r.path !== "/ui" &&
          !r.path.startsWith("/ui/"),
      );
      expect(routes.length).toBeGreaterThan(40);
      const initial = await writes();
      let before = initial;
      await fc.assert(
        fc.asyncProperty(
          requestFor(routes, () => hostileBody(managementBases, MANAGEMENT_FIELDS)),
          async (req) => {
            const answer = await send(management, managementKeys, req);
            checkAnswer(req, answer);
            const after = await writes();
            if (answer.status >= 400 && after !== before) {
              throw new Error(
                `a refused call (${answer.status}) wrote ${after - before} row(s): ` +
                  `${req.route.method} ${req.path.slice(0, 200)} ${answer.text.slice(0, 300)}`,
              );
            }
            before = after;
          },
        ),
        { seed: SEED + 1, numRuns: RUNS.management, endOnFailure: true },
      );
      // The watch itself works: the calls that were accepted did write.
      expect(before).toBeGreaterThan(initial);
    },
    TIMEOUT,
  );

  it(
    "read, health and dashboard routes: no 5xx under hostile queries, paths and headers",
    async () => {
      const routes = registeredRoutes(inference).filter((r) => r.method === "GET");
      await fc.assert(
        fc.asyncProperty(
          requestFor(routes, () => fc.constant("")),
          async (req) => checkAnswer(req, await send(inference, inferenceKeys, req)),
        ),
        { seed: SEED + 2, numRuns: RUNS.reads, endOnFailure: true },
      );
    },
    TIMEOUT,
  );

  it("sent at least 10,000 hostile requests", () => {
    expect(sent).toBeGreaterThanOrEqual(10_000 * SCALE);
  });
});
