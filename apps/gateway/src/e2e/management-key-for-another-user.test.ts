import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// A key acts as its user, with that user's role and budget. A team admin or org admin who could
// issue a key for any user_id held a proxy admin's powers as soon as they named one (found by the
// access review: a team admin's key for a proxy_admin user listed every user and made admins), and
// a user_id nobody had yet was created for the key, which then acted for whoever got that id.

describe("keys for another user: only members, never an admin role", () => {
  let gateway: TestGateway;
  const keys: Record<string, string> = {};

  const as = async (key: string, path: string, body: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return {
      status: res.status,
      body: (await res.json()) as { key?: string; error?: { param?: string; type?: string } },
    };
  };
  const master = <T = Record<string, unknown>>(path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  const userExists = async (id: string) =>
    (
      await fetch(`${gateway.url}/user/info?user_id=${id}`, {
        headers: { authorization: `Bearer ${gateway.masterKey}` },
      })
    ).status === 200;

  beforeAll(async () => {
    gateway = await startTestGateway({ config: { model_list: [] } });
    await master("/organization/new", { organization_id: "org-a", organization_alias: "A" });
    await master("/team/new", { team_id: "team-a", organization_id: "org-a" });
    const user = async (user_id: string, user_role: string, extra: object = {}) =>
      (await master<{ key: string }>("/user/new", { user_id, user_role, ...extra })).key;
    keys.teamAdmin = await user("team-a-admin", "internal_user");
    await user("member", "internal_user");
    await user("outsider", "internal_user");
    await user("boss", "proxy_admin", { organization_id: "org-a" });
    await user("auditor", "proxy_admin_viewer", { organization_id: "org-a" });
    await user("org-a-admin", "org_admin", { organization_id: "org-a" });
    await user("org-a-user", "internal_user", { organization_id: "org-a" });
    keys.orgAdmin = (
      await master<{ key: string }>("/key/generate", {
        user_id: "org-a-admin",
        organization_id: "org-a",
      })
    ).key;
    for (const [user_id, role] of [
      ["team-a-admin", "admin"],
      ["member", "user"],
      ["boss", "user"],
      ["auditor", "user"],
    ] as const)
      await master("/team/member_add", { team_id: "team-a", member: { user_id, role } });
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it("a team admin cannot issue a key for an admin user, even one in the team", async () => {
    for (const user_id of ["boss", "auditor"]) {
      const reply = await as(keys.teamAdmin!, "/key/generate", { team_id: "team-a", user_id });
      expect(reply.status, JSON.stringify(reply.body)).toBe(403);
      expect(reply.body.error?.param).toBe("user_id");
      expect(reply.body.key).toBeUndefined();
    }
  });

  it("an org admin cannot issue a key for an admin user of the organization", async () => {
    for (const body of [
      { team_id: "team-a", user_id: "boss" },
      { user_id: "boss" },
      { user_id: "auditor" },
    ]) {
      const reply = await as(keys.orgAdmin!, "/key/generate", body);
      expect(reply.status, JSON.stringify(body)).toBe(403);
      expect(reply.body.error?.param).toBe("user_id");
    }
  });

  it("a team admin issues keys only for the team's members, and creates no user", async () => {
    for (const user_id of ["outsider", "not-yet-a-user"]) {
      const reply = await as(keys.teamAdmin!, "/key/generate", { team_id: "team-a", user_id });
      expect(reply.status, user_id).toBe(403);
      expect(reply.body.error?.param).toBe("user_id");
    }
    expect(await userExists("not-yet-a-user")).toBe(false);
    const ok = await as(keys.teamAdmin!, "/key/generate", { team_id: "team-a", user_id: "member" });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });

  it("an org admin issues team keys for the organization's users or the team's members only", async () => {
    const refused = await as(keys.orgAdmin!, "/key/generate", {
      team_id: "team-a",
      user_id: "not-yet-a-user-2",
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error?.param).toBe("user_id");
    expect(await userExists("not-yet-a-user-2")).toBe(false);
    for (const user_id of ["org-a-user", "member"]) {
      const ok = await as(keys.orgAdmin!, "/key/generate", { team_id: "team-a", user_id });
      expect(ok.status, user_id).toBe(200);
    }
  });

  it("an admin user's key in a team is not its team admin's or org admin's to regenerate or change", async () => {
    const bossKey = (
      await master<{ key: string }>("/key/generate", { user_id: "boss", team_id: "team-a" })
    ).key;
    const info = async () => (await master<{ info: unknown }>(`/key/info?key=${bossKey}`)).info;
    const before = await info();
    for (const caller of [keys.teamAdmin!, keys.orgAdmin!]) {
      for (const [path, body] of [
        ["/key/regenerate", { key: bossKey }],
        [`/key/${bossKey}/regenerate`, {}],
        ["/key/update", { key: bossKey, key_alias: "mine now" }],
        ["/key/block", { key: bossKey }],
        ["/key/delete", { keys: [bossKey] }],
      ] as const) {
        const reply = await as(caller, path, body);
        expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(403);
        expect(reply.body.key).toBeUndefined();
      }
    }
    expect(await info()).toEqual(before);
    // The member's key in the same team stays the team admin's to regenerate.
    const memberKey = (
      await master<{ key: string }>("/key/generate", { user_id: "member", team_id: "team-a" })
    ).key;
    expect((await as(keys.teamAdmin!, "/key/regenerate", { key: memberKey })).status).toBe(200);
  });

  it("a team or org admin cannot remove an admin user from the team (their keys in it go too)", async () => {
    const bossKey = (
      await master<{ key: string }>("/key/generate", { user_id: "boss", team_id: "team-a" })
    ).key;
    for (const caller of [keys.teamAdmin!, keys.orgAdmin!]) {
      const reply = await as(caller, "/team/member_delete", { team_id: "team-a", user_id: "boss" });
      expect(reply.status, JSON.stringify(reply.body)).toBe(403);
      expect(reply.body.error?.param).toBe("user_id");
    }
    await master(`/key/info?key=${bossKey}`);
    const members = (
      await master<{ team_memberships: { user_id: string }[] }>("/team/info?team_id=team-a")
    ).team_memberships.map((m) => m.user_id);
    expect(members).toContain("boss");
  });
});
