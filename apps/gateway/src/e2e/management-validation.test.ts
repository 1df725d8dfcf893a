import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { snapshotManagementTables } from "../testing/management-tables.ts";

// Bad input and bad callers on the management API, over HTTP: every refusal is a 4xx in
// OpenAI's error envelope that names the offending field in `param`, and changes nothing in the
// database (each call is one transaction; a snapshot of every management table is compared).

interface Envelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

type Who = "master" | "alice" | "viewer" | "unowned" | "teamMember";

interface Case {
  name: string;
  method?: "GET" | "POST";
  path: string;
  body?: unknown;
  /** Raw body text instead of JSON (malformed input). */
  raw?: string;
  as?: Who;
  status: number;
  param?: string | null;
  /** Something the message must say (an id, a field or a rule). */
  says?: RegExp;
  /** `error.code` when it is more specific than the status. */
  code?: string;
}

describe("management API validation and permissions over HTTP", () => {
  let gateway: TestGateway;
  const keys = {} as Record<Who, string>;
  let memberKeyHash: string;

  const call = async (
    who: Who,
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    raw?: string,
  ): Promise<Response> =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${keys[who]}`, "content-type": "application/json" },
      ...(raw !== undefined
        ? { body: raw }
        : body === undefined
          ? {}
          : { body: JSON.stringify(body) }),
    });
  const admin = async (path: string, body: unknown) => {
    const res = await call("master", "POST", path, body);
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.status, `${path}: ${JSON.stringify(json)}`).toBe(200);
    return json;
  };

  const snapshot = () => snapshotManagementTables(gateway.gateway.db.db);

  beforeAll(async () => {
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-up",
              api_base: "http://127.0.0.1:9/v1",
            },
          },
        ],
      },
      env: { LITELLM_SALT_KEY: "salt-for-validation-tests" },
    });
    keys.master = gateway.masterKey;
    await admin("/organization/new", { organization_id: "org-v", organization_alias: "Org V" });
    await admin("/team/new", {
      team_id: "team-v",
      models: ["gpt-4o"],
      members_with_roles: [
        { role: "admin", user_id: "team-admin" },
        { role: "user", user_id: "member" },
      ],
    });
    await admin("/budget/new", { budget_id: "budget-v", max_budget: 5 });
    keys.alice = (await admin("/user/new", { user_id: "alice" })).key as string;
    keys.viewer = (
      await admin("/user/new", { user_id: "viewer", user_role: "internal_user_viewer" })
    ).key as string;
    keys.unowned = (await admin("/key/generate", {})).key as string;
    const member = await admin("/key/generate", { user_id: "member", team_id: "team-v" });
    keys.teamMember = member.key as string;
    memberKeyHash = member.token_id as string;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  // A table reads best one case per line.
  // prettier-ignore
  const badInput: Case[] = [
    // Wrong types.
    { name: "key: max_budget as a string", path: "/key/generate", body: { max_budget: "ten" }, status: 400, param: "max_budget" },
    { name: "key: models not a list", path: "/key/generate", body: { models: "gpt-4o" }, status: 400, param: "models" },
    { name: "key: fractional tpm_limit", path: "/key/generate", body: { tpm_limit: 1.5 }, status: 400, param: "tpm_limit" },
    { name: "key: metadata not an object", path: "/key/generate", body: { metadata: "x" }, status: 400, param: "metadata" },
    { name: "key: blocked not a boolean", path: "/key/generate", body: { blocked: "yes" }, status: 400, param: "blocked" },
    { name: "team: rpm_limit as text", path: "/team/new", body: { rpm_limit: "100" }, status: 400, param: "rpm_limit" },
    { name: "user: unknown role", path: "/user/new", body: { user_id: "u-role", user_role: "superuser" }, status: 400, param: "user_role" },
    { name: "team member: unknown role", path: "/team/member_add", body: { team_id: "team-v", member: { role: "owner", user_id: "new-x" } }, status: 400, param: "member.role" },
    { name: "model: no litellm_params.model", path: "/model/new", body: { model_name: "m", litellm_params: {} }, status: 400, param: "litellm_params" },
    { name: "organization: alias missing", path: "/organization/new", body: { max_budget: 1 }, status: 400, param: "organization_alias" },
    { name: "malformed JSON", path: "/key/generate", raw: "{not json", status: 400, code: "invalid_json" },
    // Negative budgets and limits.
    { name: "key: negative max_budget", path: "/key/generate", body: { max_budget: -1 }, status: 400, param: "max_budget" },
    { name: "key: negative soft_budget", path: "/key/generate", body: { soft_budget: -0.5 }, status: 400, param: "soft_budget" },
    { name: "key update: negative max_budget", path: "/key/update", body: { key: "$memberKey", max_budget: -5 }, status: 400, param: "max_budget" },
    { name: "team: negative max_budget", path: "/team/new", body: { max_budget: -1 }, status: 400, param: "max_budget" },
    { name: "team member: negative max_budget_in_team", path: "/team/member_add", body: { team_id: "team-v", member: { role: "user", user_id: "new-y" }, max_budget_in_team: -2, }, status: 400, param: "max_budget_in_team" },
    { name: "user: negative max_budget", path: "/user/new", body: { user_id: "u-neg", max_budget: -3 }, status: 400, param: "max_budget" },
    { name: "organization: negative max_budget", path: "/organization/new", body: { organization_alias: "o", max_budget: -1 }, status: 400, param: "max_budget" },
    { name: "customer: negative max_budget", path: "/customer/new", body: { user_id: "c-neg", max_budget: -1 }, status: 400, param: "max_budget" },
    { name: "budget: negative max_budget", path: "/budget/new", body: { max_budget: -1 }, status: 400, param: "max_budget" },
    { name: "key: negative max_parallel_requests", path: "/key/generate", body: { max_parallel_requests: -1 }, status: 400, param: "max_parallel_requests" },
    // Malformed budget_duration.
    { name: "key: budget_duration 'fortnight'", path: "/key/generate", body: { budget_duration: "fortnight" }, status: 400, param: "budget_duration", says: /budget_duration/ },
    { name: "key: duration '10 days'", path: "/key/generate", body: { duration: "10 days" }, status: 400, param: "duration" },
    { name: "team: budget_duration '1 month'", path: "/team/new", body: { budget_duration: "1 month" }, status: 400, param: "budget_duration" },
    { name: "user: budget_duration '-1d'", path: "/user/new", body: { user_id: "u-dur", budget_duration: "-1d" }, status: 400, param: "budget_duration" },
    { name: "customer: budget_duration 'soon'", path: "/customer/new", body: { user_id: "c-dur", budget_duration: "soon" }, status: 400, param: "budget_duration" },
    { name: "budget: budget_duration '1y'", path: "/budget/new", body: { budget_duration: "1y" }, status: 400, param: "budget_duration" },
    { name: "organization: budget_duration 'x'", path: "/organization/new", body: { organization_alias: "o", budget_duration: "x" }, status: 400, param: "budget_duration" },
    // References to entities that do not exist.
    { name: "key: unknown team_id", path: "/key/generate", body: { team_id: "no-such-team" }, status: 400, param: "team_id", says: /no-such-team/ },
    { name: "key: unknown organization_id", path: "/key/generate", body: { organization_id: "no-such-org" }, status: 400, param: "organization_id", says: /no-such-org/ },
    { name: "key: unknown budget_id", path: "/key/generate", body: { budget_id: "no-such-budget" }, status: 400, param: "budget_id" },
    { name: "key update: unknown team_id", path: "/key/update", body: { key: "$memberKey", team_id: "no-such-team" }, status: 400, param: "team_id" },
    { name: "team: unknown organization_id", path: "/team/new", body: { organization_id: "no-such-org" }, status: 400, param: "organization_id" },
    { name: "user: unknown organization_id", path: "/user/new", body: { user_id: "u-org", organization_id: "no-such-org" }, status: 400, param: "organization_id" },
    { name: "user: unknown team in teams", path: "/user/new", body: { user_id: "u-team", teams: ["no-such-team"] }, status: 400, param: "teams", says: /no-such-team/ },
    { name: "customer: unknown budget_id", path: "/customer/new", body: { user_id: "c-b", budget_id: "no-such-budget" }, status: 400, param: "budget_id" },
    // Missing entities the call is about.
    { name: "key update: unknown key", path: "/key/update", body: { key: "sk-no-such-key", max_budget: 1 }, status: 404, param: "key" },
    { name: "key info: unknown key", method: "GET", path: "/key/info?key=sk-no-such-key", status: 404, param: "key" },
    { name: "key delete: unknown key", path: "/key/delete", body: { keys: ["sk-no-such-key"] }, status: 404, param: "keys" },
    { name: "team update: unknown team_id", path: "/team/update", body: { team_id: "no-such-team", team_alias: "x" }, status: 404, param: "team_id", says: /no-such-team/ },
    { name: "team info: unknown team_id", method: "GET", path: "/team/info?team_id=no-such-team", status: 404, param: "team_id" },
    { name: "team delete: unknown team_id", path: "/team/delete", body: { team_ids: ["no-such-team"] }, status: 404, param: "team_ids" },
    { name: "team member_add: unknown team_id", path: "/team/member_add", body: { team_id: "no-such-team", member: { role: "user", user_id: "x" } }, status: 404, param: "team_id" },
    { name: "team member_delete: not a member", path: "/team/member_delete", body: { team_id: "team-v", user_id: "no-such-user" }, status: 404, param: "user_id" },
    { name: "user update: unknown user_id", path: "/user/update", body: { user_id: "no-such-user", max_budget: 1 }, status: 404, param: "user_id", says: /no-such-user/ },
    { name: "user info: unknown user_id", method: "GET", path: "/user/info?user_id=no-such-user", status: 404, param: "user_id" },
    { name: "user delete: unknown user_id", path: "/user/delete", body: { user_ids: ["no-such-user"] }, status: 404, param: "user_ids" },
    { name: "organization update: unknown organization_id", path: "/organization/update", body: { organization_id: "no-such-org", organization_alias: "x" }, status: 404, param: "organization_id" },
    { name: "organization info: unknown organization_id", method: "GET", path: "/organization/info?organization_id=no-such-org", status: 404, param: "organization_id" },
    { name: "customer update: unknown user_id", path: "/customer/update", body: { user_id: "no-such-customer", max_budget: 1 }, status: 404, param: "user_id" },
    { name: "budget update: unknown budget_id", path: "/budget/update", body: { budget_id: "no-such-budget", max_budget: 1 }, status: 404, param: "budget_id" },
    { name: "model delete: unknown id", path: "/model/delete", body: { id: "no-such-model" }, status: 404, param: "id" },
    { name: "organization member_add: unknown organization_id", path: "/organization/member_add", body: { organization_id: "no-such-org", member: { role: "internal_user", user_id: "x" } }, status: 404, param: "organization_id" },
    { name: "organization member_add: unknown role", path: "/organization/member_add", body: { organization_id: "org-v", member: { role: "owner", user_id: "x" } }, status: 400, param: "member.role" },
    { name: "organization member_add: negative budget", path: "/organization/member_add", body: { organization_id: "org-v", member: { role: "internal_user", user_id: "x" }, max_budget_in_organization: -1 }, status: 400, param: "max_budget_in_organization" },
    // Clashes.
    { name: "team: existing team_id", path: "/team/new", body: { team_id: "team-v" }, status: 400, param: "team_id" },
    { name: "user: existing user_id", path: "/user/new", body: { user_id: "alice" }, status: 400, param: "user_id" },
    { name: "team member_add: already a member", path: "/team/member_add", body: { team_id: "team-v", member: { role: "user", user_id: "member" } }, status: 400, param: "member", code: "team_member_already_in_team" },
  ];

  // prettier-ignore
  const forbidden: Case[] = [
    { name: "internal user creates a team", as: "alice", path: "/team/new", body: { team_alias: "mine" }, status: 403 },
    { name: "internal user creates a user", as: "alice", path: "/user/new", body: { user_id: "bob" }, status: 403 },
    { name: "internal user creates an organization", as: "alice", path: "/organization/new", body: { organization_alias: "mine" }, status: 403 },
    { name: "internal user updates an organization", as: "alice", path: "/organization/update", body: { organization_id: "org-v", organization_alias: "x" }, status: 403 },
    { name: "internal user creates a budget", as: "alice", path: "/budget/new", body: { max_budget: 1000 }, status: 403 },
    { name: "internal user creates a customer", as: "alice", path: "/customer/new", body: { user_id: "c-alice" }, status: 403 },
    { name: "internal user adds a model", as: "alice", path: "/model/new", body: { model_name: "m", litellm_params: { model: "openai/gpt-4o" } }, status: 403 },
    { name: "internal user deletes a team", as: "alice", path: "/team/delete", body: { team_ids: ["team-v"] }, status: 403 },
    { name: "internal user raises a team's budget", as: "alice", path: "/team/update", body: { team_id: "team-v", max_budget: 1e6 }, status: 403 },
    { name: "internal user adds themself to a team", as: "alice", path: "/team/member_add", body: { team_id: "team-v", member: { role: "admin", user_id: "alice" } }, status: 403 },
    { name: "internal user creates a key for a team they are not in", as: "alice", path: "/key/generate", body: { team_id: "team-v" }, status: 403 },
    { name: "internal user creates a key for another user", as: "alice", path: "/key/generate", body: { user_id: "member" }, status: 403 },
    { name: "internal user raises another user's key budget", as: "alice", path: "/key/update", body: { key: "$memberKey", max_budget: 1e6 }, status: 403 },
    { name: "internal user deletes another user's key", as: "alice", path: "/key/delete", body: { keys: ["$memberKey"] }, status: 403 },
    { name: "internal user reads another user's key", as: "alice", method: "GET", path: "/key/info?key=$memberKey", status: 403 },
    { name: "internal user updates another user", as: "alice", path: "/user/update", body: { user_id: "member", max_budget: 1e6 }, status: 403 },
    { name: "internal user raises their own budget", as: "alice", path: "/user/update", body: { user_id: "alice", max_budget: 1e6 }, status: 403 },
    { name: "internal user adds organization members", as: "alice", path: "/organization/member_add", body: { organization_id: "org-v", member: { role: "org_admin", user_id: "alice" } }, status: 403 },
    { name: "internal user lists users", as: "alice", method: "GET", path: "/user/list", status: 403 },
    { name: "internal user reads the spend report", as: "alice", method: "GET", path: "/global/spend/report?start_date=2024-01-01&end_date=2030-01-01", status: 403 },
    { name: "team member changes the team's models", as: "teamMember", path: "/team/update", body: { team_id: "team-v", models: ["*"] }, status: 403 },
    { name: "team member blocks the team", as: "teamMember", path: "/team/block", body: { team_id: "team-v" }, status: 403 },
    { name: "viewer creates a key", as: "viewer", path: "/key/generate", body: {}, status: 403 },
    { name: "key without a user creates a key", as: "unowned", path: "/key/generate", body: {}, status: 403 },
    { name: "key without a user creates a team", as: "unowned", path: "/team/new", body: {}, status: 403 },
    // Permission is decided before the body is read: a bad body from a non-admin is still 403.
    { name: "internal user sends a bad body to an admin route", as: "alice", path: "/budget/new", body: { max_budget: -1 }, status: 403 },
  ];

  const resolve = (text: string) =>
    text.replaceAll("$memberKey", keys.teamMember).replaceAll("$memberHash", memberKeyHash);

  it.each([...badInput, ...forbidden])("$name -> $status", async (c) => {
    const before = await snapshot();
    const body = c.body === undefined ? undefined : JSON.parse(resolve(JSON.stringify(c.body)));
    const res = await call(c.as ?? "master", c.method ?? "POST", resolve(c.path), body, c.raw);
    const json = (await res.json()) as Envelope;
    expect({ status: res.status, json }).toMatchObject({ status: c.status });
    expect(Object.keys(json)).toEqual(["error"]);
    expect(json.error.message).toEqual(expect.any(String));
    expect(json.error.type).toBe(
      { 400: "invalid_request_error", 403: "permission_error", 404: "not_found_error" }[c.status],
    );
    expect(json.error.code).toBe(c.code ?? String(c.status));
    if (c.param !== undefined) expect(json.error.param).toBe(c.param);
    if (c.says) expect(json.error.message).toMatch(c.says);
    // Secrets never travel back in an error.
    expect(json.error.message).not.toContain(keys.teamMember);
    expect(await snapshot()).toEqual(before);
  });

  describe("a call that fails half-way changes nothing", () => {
    const refusedWithoutChange = async (path: string, body: unknown, status: number) => {
      const before = await snapshot();
      const res = await call("master", "POST", path, body);
      expect(res.status, JSON.stringify(await res.clone().json())).toBe(status);
      expect(await snapshot()).toEqual(before);
    };

    it("/user/new whose second team does not exist creates neither the user nor the first membership", async () => {
      await refusedWithoutChange(
        "/user/new",
        { user_id: "half-user", teams: ["team-v", "no-such-team"] },
        400,
      );
      expect((await call("master", "GET", "/user/info?user_id=half-user")).status).toBe(404);
    });

    it("/team/member_add whose second member is already in the team adds nobody", async () => {
      await refusedWithoutChange(
        "/team/member_add",
        {
          team_id: "team-v",
          member: [
            { role: "user", user_id: "fresh-member" },
            { role: "user", user_id: "member" },
          ],
        },
        400,
      );
      expect((await call("master", "GET", "/user/info?user_id=fresh-member")).status).toBe(404);
    });

    it("/team/new with a duplicated member creates no team", async () => {
      await refusedWithoutChange(
        "/team/new",
        {
          team_id: "half-team",
          members_with_roles: [
            { role: "user", user_id: "dup" },
            { role: "admin", user_id: "dup" },
          ],
        },
        400,
      );
      expect((await call("master", "GET", "/team/info?team_id=half-team")).status).toBe(404);
    });

    it("/key/delete of one real and one unknown key deletes neither", async () => {
      await refusedWithoutChange("/key/delete", { keys: [keys.teamMember, "sk-no-such-key"] }, 404);
      expect((await call("master", "GET", `/key/info?key=${keys.teamMember}`)).status).toBe(200);
    });

    it("/key/generate reusing a key's value does not create the new user it names", async () => {
      await refusedWithoutChange(
        "/key/generate",
        { user_id: "half-key-user", key: keys.teamMember },
        400,
      );
      expect((await call("master", "GET", "/user/info?user_id=half-key-user")).status).toBe(404);
    });
  });
});
