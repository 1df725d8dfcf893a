import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// POST /organization/member_add over HTTP, in LiteLLM's shapes: members are created when
// unknown, get the role they were added with, show up in /organization/info, and an org admin
// added this way can then manage the organization.

interface Json {
  [field: string]: unknown;
}

describe("/organization/member_add", () => {
  let gateway: TestGateway;

  const send = (key: string, method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const expectOk = async (res: Response): Promise<Json> => {
    const json = (await res.json()) as Json;
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json;
  };
  const admin = async (path: string, body?: unknown) =>
    expectOk(await send(gateway.masterKey, body === undefined ? "GET" : "POST", path, body));

  beforeAll(async () => {
    gateway = await startTestGateway({});
    await admin("/organization/new", { organization_id: "org-acme", organization_alias: "Acme" });
    await admin("/organization/new", { organization_id: "org-other", organization_alias: "Other" });
    await admin("/user/new", { user_id: "existing-user", auto_create_key: false });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it("adds one member, creating the user, with a budget inside the organization", async () => {
    const res = await admin("/organization/member_add", {
      organization_id: "org-acme",
      member: { role: "internal_user", user_id: "new-dev" },
      max_budget_in_organization: 10,
    });
    expect(res.organization_id).toBe("org-acme");
    const users = res.updated_users as Json[];
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({
      user_id: "new-dev",
      user_role: "internal_user",
      organization_id: "org-acme",
    });
    const memberships = res.updated_organization_memberships as Json[];
    expect(memberships).toHaveLength(1);
    expect(memberships[0]).toMatchObject({
      user_id: "new-dev",
      organization_id: "org-acme",
      user_role: "internal_user",
      spend: 0,
      budget_id: expect.any(String),
      litellm_budget_table: { max_budget: 10 },
    });
    expect(memberships[0]!.created_at).toEqual(expect.any(String));

    const info = await admin("/user/info?user_id=new-dev");
    expect(info.user_info).toMatchObject({ organization_id: "org-acme" });
  });

  it("adds a list (by email and by id) in one call; an existing user takes the role", async () => {
    const res = await admin("/organization/member_add", {
      organization_id: "org-acme",
      member: [
        { role: "org_admin", user_email: "boss@acme.test" },
        { role: "internal_user_viewer", user_id: "existing-user" },
      ],
    });
    const users = res.updated_users as Json[];
    expect(users.map((u) => [u.user_email, u.user_role])).toEqual([
      ["boss@acme.test", "org_admin"],
      [null, "internal_user_viewer"],
    ]);
    expect(users[0]!.user_id).toEqual(expect.any(String));
    expect(
      (res.updated_organization_memberships as Json[]).map((m) => [m.user_role, m.budget_id]),
    ).toEqual([
      ["org_admin", null],
      ["internal_user_viewer", null],
    ]);

    const org = await admin("/organization/info?organization_id=org-acme");
    const members = org.members as Json[];
    expect(members.map((m) => [m.user_id, m.user_role]).sort()).toEqual(
      [
        ["existing-user", "internal_user_viewer"],
        ["new-dev", "internal_user"],
        [users[0]!.user_id, "org_admin"],
      ].sort(),
    );
    expect(members.find((m) => m.user_id === "new-dev")).toMatchObject({
      user: { user_id: "new-dev" },
      litellm_budget_table: { max_budget: 10 },
    });
  });

  it("refuses a member who is already in, and adds none of the list", async () => {
    const res = await send(gateway.masterKey, "POST", "/organization/member_add", {
      organization_id: "org-acme",
      member: [
        { role: "internal_user", user_id: "late-joiner" },
        { role: "internal_user", user_id: "new-dev" },
      ],
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: Json };
    expect(body.error).toMatchObject({ type: "invalid_request_error", param: "member" });
    expect(body.error.message).toContain("new-dev");
    expect((await send(gateway.masterKey, "GET", "/user/info?user_id=late-joiner")).status).toBe(
      404,
    );
  });

  it("a member of another organization keeps their own organization and role", async () => {
    await admin("/organization/member_add", {
      organization_id: "org-other",
      member: { role: "org_admin", user_id: "new-dev" },
    });
    const info = await admin("/user/info?user_id=new-dev");
    expect(info.user_info).toMatchObject({
      organization_id: "org-acme",
      user_role: "internal_user",
    });
    const other = await admin("/organization/info?organization_id=org-other");
    expect((other.members as Json[]).map((m) => [m.user_id, m.user_role])).toEqual([
      ["new-dev", "org_admin"],
    ]);
  });

  it("an org admin added this way manages that organization, and only it", async () => {
    const boss = (await admin("/user/list?role=org_admin")).users as Json[];
    const bossId = boss.find((u) => u.user_email === "boss@acme.test")!.user_id as string;
    const bossKey = (await admin("/key/generate", { user_id: bossId, organization_id: "org-acme" }))
      .key as string;

    await expectOk(
      await send(bossKey, "POST", "/organization/member_add", {
        organization_id: "org-acme",
        member: { role: "internal_user", user_id: "hired-by-boss" },
      }),
    );
    await expectOk(
      await send(bossKey, "POST", "/team/new", {
        team_alias: "acme-search",
        organization_id: "org-acme",
      }),
    );

    const refusals: [string, unknown][] = [
      // More admins are a proxy admin's call.
      [
        "/organization/member_add",
        { organization_id: "org-acme", member: { role: "org_admin", user_id: "someone" } },
      ],
      // Another organization is not theirs.
      [
        "/organization/member_add",
        { organization_id: "org-other", member: { role: "internal_user", user_id: "someone" } },
      ],
    ];
    for (const [path, body] of refusals) {
      const res = await send(bossKey, "POST", path, body);
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(((await res.json()) as { error: Json }).error.type).toBe("permission_error");
    }
  });
});
