import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// The hostile tester's findings, over HTTP against the real gateway: a key's holder raising
// their own ceiling through /key/update and /key/unblock, a team admin giving a member's key
// more than the team has, a key alias reaching a model the key may not use, and an org admin
// creating roles above their own or moving things into another organization. Every refusal is a
// 403 naming the field, and reading back shows it changed nothing.

interface Reply {
  status: number;
  body: Record<string, unknown> & { error?: { param?: string | null; message?: string } };
}

describe("management permissions: who may change what", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  const keys: Record<string, string> = {};

  const as = async (key: string, path: string, body?: unknown): Promise<Reply> => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Reply["body"] };
  };
  const master = <T = Record<string, unknown>>(path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  const info = async (key: string) =>
    (await master<{ info: Record<string, unknown> }>(`/key/info?key=${key}`)).info;
  /** A 403 naming `param`, after which the key reads back exactly as before. */
  const refusedUnchanged = async (
    caller: string,
    key: string,
    path: string,
    body: object,
    param: string,
  ) => {
    const before = await info(key);
    const reply = await as(caller, path, { key, ...body });
    expect(reply.status, JSON.stringify(reply.body)).toBe(403);
    expect(reply.body.error?.param).toBe(param);
    expect(await info(key)).toEqual(before);
  };
  const chat = (key: string, model: string) =>
    new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 }).chat.completions.create({
      model,
      messages: [{ role: "user", content: "hi" }],
    });
  const upstreamModel = () => (upstream.requests.at(-1)?.json as { model?: string }).model;

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-up" });
    const model = (name: string) => ({
      model_name: name,
      litellm_params: {
        model: `openai/upstream-${name}`,
        api_key: "sk-up",
        api_base: `${upstream.url}/v1`,
      },
    });
    gateway = await startTestGateway({
      config: { model_list: ["gpt-4o", "gpt-4o-mini", "secret-model"].map(model) },
    });
    await master("/organization/new", {
      organization_id: "org-a",
      organization_alias: "A",
      max_budget: 500,
      models: ["gpt-4o", "gpt-4o-mini"],
    });
    await master("/organization/new", { organization_id: "org-b", organization_alias: "B" });
    await master("/team/new", {
      team_id: "team-a",
      organization_id: "org-a",
      max_budget: 100,
      tpm_limit: 1000,
      models: ["gpt-4o", "gpt-4o-mini"],
    });
    await master("/team/new", {
      team_id: "team-b",
      organization_id: "org-b",
      max_budget: 1000,
      models: ["gpt-4o", "secret-model"],
    });
    const user = async (user_id: string, user_role: string, extra: object = {}) =>
      (await master<{ key: string }>("/user/new", { user_id, user_role, ...extra })).key;
    keys.holder = await user("holder", "internal_user", { models: ["gpt-4o", "gpt-4o-mini"] });
    keys.teamAdmin = await user("team-a-admin", "internal_user");
    await user("org-a-admin", "org_admin", { organization_id: "org-a" });
    // An org admin acts for their own user's organization (their key is in it too).
    keys.orgAdmin = (
      await master<{ key: string }>("/key/generate", {
        user_id: "org-a-admin",
        organization_id: "org-a",
      })
    ).key;
    await user("team-a-member", "internal_user");
    await user("org-a-user", "internal_user", { organization_id: "org-a" });
    for (const [user_id, role] of [
      ["team-a-admin", "admin"],
      ["team-a-member", "user"],
    ] as const) {
      await master("/team/member_add", { team_id: "team-a", member: { user_id, role } });
    }
    const key = async (body: object) => (await master<{ key: string }>("/key/generate", body)).key;
    keys.holderKey = await key({
      user_id: "holder",
      max_budget: 1,
      models: ["gpt-4o"],
      tpm_limit: 10,
      allowed_routes: ["/chat/completions", "/v1/chat/completions", "/key/info", "/key/update"],
      metadata: { model_rpm_limit: { "gpt-4o": 1 } },
      duration: "1h",
    });
    await master("/key/update", { key: keys.holderKey, spend: 0.5 });
    keys.holderBlocked = await key({ user_id: "holder", blocked: true });
    keys.memberKey = await key({ user_id: "team-a-member", team_id: "team-a", max_budget: 10 });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  it("a key's holder cannot raise their own ceiling through /key/update", async () => {
    const { holder, holderKey } = keys as Record<string, string>;
    for (const [body, param] of [
      [{ max_budget: 1_000_000 }, "max_budget"],
      [{ max_budget: null }, "max_budget"],
      [{ spend: 0 }, "spend"],
      [{ models: [] }, "models"],
      [{ models: ["secret-model"] }, "models"],
      [{ team_id: "team-b" }, "team_id"],
      [{ organization_id: "org-b" }, "organization_id"],
      [{ tpm_limit: null }, "tpm_limit"],
      [{ rpm_limit: 1_000_000 }, "rpm_limit"],
      [{ max_parallel_requests: 1000 }, "max_parallel_requests"],
      [{ model_max_budget: { "gpt-4o": 1000 } }, "model_max_budget"],
      [{ model_rpm_limit: { "gpt-4o": 1000 } }, "model_rpm_limit"],
      [{ budget_duration: "1s" }, "budget_duration"],
      [{ duration: null }, "duration"],
      [{ allowed_routes: [] }, "allowed_routes"],
      [{ permissions: { allow_all: true } }, "permissions"],
      [{ guardrails: [] }, "guardrails"],
      [{ budget_id: "any" }, "budget_id"],
      [{ temp_budget_increase: 100, temp_budget_expiry: "2099-01-01" }, "temp_budget_increase"],
      [{ metadata: { model_rpm_limit: { "gpt-4o": 1000 } } }, "metadata.model_rpm_limit"],
      // The first refused field is named, even next to harmless ones.
      [{ key_alias: "fine", max_budget: 5 }, "max_budget"],
    ] as const) {
      await refusedUnchanged(holder!, holderKey!, "/key/update", body, param);
      // /key/regenerate takes the same fields (not the temporary raise): same rules.
      if (param !== "temp_budget_increase")
        await refusedUnchanged(holder!, holderKey!, "/key/regenerate", body, param);
    }
  });

  it("a key's holder cannot unblock their blocked key, by /key/unblock or blocked:false", async () => {
    const { holder, holderBlocked } = keys as Record<string, string>;
    await refusedUnchanged(holder!, holderBlocked!, "/key/update", { blocked: false }, "blocked");
    const before = await info(holderBlocked!);
    const reply = await as(holder!, "/key/unblock", { key: holderBlocked });
    expect(reply.status).toBe(403);
    expect(await info(holderBlocked!)).toEqual(before);
    expect(before.blocked).toBe(true);
  });

  it("a key's holder changes the harmless fields, and their metadata keeps its limits", async () => {
    const { holder, holderKey } = keys as Record<string, string>;
    const reply = await as(holder!, "/key/update", {
      key: holderKey,
      key_alias: "holder-renamed",
      tags: ["mine"],
      metadata: { note: "hello" },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const after = await info(holderKey!);
    expect(after.key_alias).toBe("holder-renamed");
    expect(after.max_budget).toBe(1);
    expect(after.metadata).toMatchObject({
      note: "hello",
      tags: ["mine"],
      model_rpm_limit: { "gpt-4o": 1 },
    });
  });

  it("a team admin acts on members' keys only within the team's own limits", async () => {
    const { teamAdmin, memberKey } = keys as Record<string, string>;
    for (const [body, param] of [
      [{ max_budget: 101 }, "max_budget"],
      [{ soft_budget: 500 }, "soft_budget"],
      [{ tpm_limit: 1001 }, "tpm_limit"],
      [{ models: ["secret-model"] }, "models"],
      [{ model_max_budget: { "secret-model": 1 } }, "model_max_budget"],
      [{ metadata: { model_tpm_limit: { "gpt-4o": 1_000_000 } } }, "model_tpm_limit"],
      [{ team_id: "team-b" }, "team_id"],
      [{ team_id: null }, "team_id"],
      [{ organization_id: "org-b" }, "organization_id"],
      [{ budget_id: "any" }, "budget_id"],
    ] as const) {
      await refusedUnchanged(teamAdmin!, memberKey!, "/key/update", body, param);
    }
    const reply = await as(teamAdmin!, "/key/update", {
      key: memberKey,
      max_budget: 100,
      tpm_limit: 1000,
      models: ["gpt-4o-mini"],
      spend: 0,
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect(await info(memberKey!)).toMatchObject({ max_budget: 100, models: ["gpt-4o-mini"] });
    // So is a member's budget in the team.
    const member = await as(teamAdmin!, "/team/member_add", {
      team_id: "team-a",
      member: { user_id: "rich-member", role: "user" },
      max_budget_in_team: 101,
    });
    expect(member.status, JSON.stringify(member.body)).toBe(403);
    expect(member.body.error?.param).toBe("max_budget_in_team");
    expect((await as(gateway.masterKey, "/user/info?user_id=rich-member")).status).toBe(404);
    // A new team key is held to the same ceiling.
    const generated = await as(teamAdmin!, "/key/generate", { team_id: "team-a", max_budget: 101 });
    expect(generated.status).toBe(403);
    expect(generated.body.error?.param).toBe("max_budget");
  });

  it("a key alias calls its target, and access is checked on the target, never the alias", async () => {
    const { holder, holderKey } = keys as Record<string, string>;
    // The holder may set aliases: they rename, they grant nothing.
    const set = await as(holder!, "/key/update", {
      key: holderKey,
      aliases: { "secret-model": "x", fast: "gpt-4o-mini", mine: "gpt-4o" },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const calls = upstream.callCount();
    // Before the fix, an alias name itself was access: "secret-model" reached the upstream.
    const unknown = await chat(holderKey!, "secret-model").then(
      () => undefined,
      (e: unknown) => e,
    );
    // "x" is served by nothing and not among the key's models: the same 401 as for a served
    // model outside them (dc0541b: a restricted key cannot tell which other names exist).
    expect(unknown).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((unknown as Error).message).toMatch(/key not allowed to access model.*\bx\b/);
    await master("/key/update", {
      key: holderKey,
      aliases: { fast: "gpt-4o-mini", "gpt-4o": "secret-model", mine: "gpt-4o" },
    });
    // An alias to a model the key may not use (even one named like an allowed model) is refused.
    for (const model of ["fast", "gpt-4o"]) {
      const error = await chat(holderKey!, model).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error, model).toBeInstanceOf(OpenAI.AuthenticationError);
      expect((error as Error).message).toMatch(/key not allowed to access model/);
    }
    expect(upstream.callCount()).toBe(calls);
    // An alias to a model the key may use is applied: the target is what goes upstream.
    await chat(holderKey!, "mine");
    expect(upstreamModel()).toBe("upstream-gpt-4o");
  });

  it("every model route applies the alias before access is checked", async () => {
    const { holder } = keys as Record<string, string>;
    // The holder makes a key (gpt-4o only) and aliases it themselves.
    const made = await as(holder!, "/key/generate", {
      models: ["gpt-4o"],
      aliases: { fast: "gpt-4o-mini", mine: "gpt-4o" },
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    const holderKey = made.body.key as string;
    const post = (path: string, body: object) =>
      fetch(`${gateway.url}${path}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${holderKey}`,
          "x-api-key": holderKey!,
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
    const bodies = (model: string): [string, object][] => [
      ["/v1/chat/completions", { model, messages: [{ role: "user", content: "hi" }] }],
      ["/v1/completions", { model, prompt: "hi" }],
      ["/v1/responses", { model, input: "hi" }],
      ["/v1/messages", { model, max_tokens: 5, messages: [{ role: "user", content: "hi" }] }],
      ["/v1/embeddings", { model, input: "hi" }],
    ];
    const calls = upstream.callCount();
    // "fast" -> gpt-4o-mini, which this key may not use.
    for (const [path, body] of bodies("fast")) {
      const res = await post(path, body);
      expect(res.status, `${path}: ${await res.text()}`).toBe(401);
    }
    expect(upstream.callCount()).toBe(calls);
    // "mine" -> gpt-4o: what goes upstream is the target.
    for (const [path, body] of bodies("mine").slice(0, 4)) {
      const res = await post(path, body);
      expect(res.status, `${path}: ${await res.text()}`).toBe(200);
      expect(upstreamModel(), path).toBe("upstream-gpt-4o");
    }
  });

  it("a team's model_aliases are applied and checked the same way", async () => {
    await master("/team/update", {
      team_id: "team-a",
      model_aliases: { cheap: "gpt-4o-mini", leak: "secret-model" },
    });
    const key = (await master<{ key: string }>("/key/generate", { team_id: "team-a" })).key;
    await chat(key, "cheap");
    expect(upstreamModel()).toBe("upstream-gpt-4o-mini");
    await expect(chat(key, "leak")).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it("an org admin gives only roles below their own, and only inside their organization", async () => {
    const { orgAdmin } = keys as Record<string, string>;
    for (const [body, param] of [
      [{ user_id: "made-viewer", user_role: "proxy_admin_viewer" }, "user_role"],
      [{ user_id: "made-admin", user_role: "proxy_admin" }, "user_role"],
      [{ user_id: "made-org-admin", user_role: "org_admin" }, "user_role"],
      [{ user_id: "made-in-b", organization_id: "org-b" }, null],
      [{ user_id: "made-in-team-b", teams: ["team-b"] }, "teams"],
    ] as const) {
      const reply = await as(orgAdmin!, "/user/new", body);
      expect(reply.status, JSON.stringify(reply.body)).toBe(403);
      if (param) expect(reply.body.error?.param).toBe(param);
      const read = await as(gateway.masterKey, `/user/info?user_id=${body.user_id}`);
      expect(read.status).toBe(404);
    }
    const made = await as(orgAdmin!, "/user/new", {
      user_id: "made-ok",
      user_role: "internal_user_viewer",
    });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
  });

  it("an org admin cannot promote anyone, nor move themselves, a user, a team or their key out", async () => {
    const { orgAdmin } = keys as Record<string, string>;
    const userInfo = async (id: string) =>
      (await master<{ user_info: Record<string, unknown> }>(`/user/info?user_id=${id}`)).user_info;
    for (const [userId, body, param] of [
      ["org-a-admin", { user_role: "proxy_admin_viewer" }, "user_role"],
      ["org-a-admin", { organization_id: "org-b" }, "organization_id"],
      ["org-a-admin", { max_budget: 1_000_000 }, "max_budget"],
      ["org-a-user", { user_role: "proxy_admin_viewer" }, "user_role"],
      ["org-a-user", { user_role: "org_admin" }, "user_role"],
      ["org-a-user", { organization_id: "org-b" }, "organization_id"],
    ] as const) {
      const before = await userInfo(userId);
      const reply = await as(orgAdmin!, "/user/update", { user_id: userId, ...body });
      expect(reply.status, JSON.stringify(reply.body)).toBe(403);
      expect(reply.body.error?.param).toBe(param);
      expect(await userInfo(userId)).toEqual(before);
    }
    // Their own key, in their organization, stays there.
    const own = (await master<{ info: { token: string } }>("/key/info?key=" + orgAdmin)).info;
    await refusedUnchanged(
      orgAdmin!,
      own.token,
      "/key/update",
      { organization_id: "org-b" },
      "organization_id",
    );
    // A team of their organization stays there too.
    const team = await as(orgAdmin!, "/team/update", {
      team_id: "team-a",
      organization_id: "org-b",
    });
    expect(team.status).toBe(403);
    expect(team.body.error?.param).toBe("organization_id");
    const read = await master<{ team_info: { organization_id: string } }>(
      "/team/info?team_id=team-a",
    );
    expect(read.team_info.organization_id).toBe("org-a");
    // What they may do: manage a user of their organization below their role, and its teams,
    // within the organization's own limits (500, gpt-4o and gpt-4o-mini).
    const ok = await as(orgAdmin!, "/user/update", { user_id: "org-a-user", max_budget: 5 });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    for (const [path, body, param] of [
      ["/user/update", { user_id: "org-a-user", max_budget: 501 }, "max_budget"],
      ["/user/update", { user_id: "org-a-user", models: ["secret-model"] }, "models"],
      ["/team/update", { team_id: "team-a", max_budget: 501 }, "max_budget"],
      ["/team/update", { team_id: "team-a", models: ["gpt-4o", "secret-model"] }, "models"],
      ["/team/new", { team_id: "made-by-org-admin", max_budget: 501 }, "max_budget"],
    ] as const) {
      const reply = await as(orgAdmin!, path, body);
      expect(reply.status, `${path} ${JSON.stringify(reply.body)}`).toBe(403);
      expect(reply.body.error?.param).toBe(param);
    }
    expect((await as(gateway.masterKey, "/team/info?team_id=made-by-org-admin")).status).toBe(404);
    const within = await as(orgAdmin!, "/team/update", { team_id: "team-a", max_budget: 500 });
    expect(within.status, JSON.stringify(within.body)).toBe(200);
  });
});
