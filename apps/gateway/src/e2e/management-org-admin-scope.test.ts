import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// An org admin administers their own organization (users.organization_id), whatever team a key
// of theirs sits in. Found by the access review: the org admin of org-a, made a plain member of a
// team of org-b, created a key in that team (members make their own team keys) and, with it, was
// org admin of org-b: raised the team's budget, created users in org-b, listed its teams.

describe("an org admin acts for their own organization only", () => {
  let gateway: TestGateway;
  let orgAdminKey: string;
  let keyInB: string;

  const as = async (key: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as unknown };
  };
  const master = <T = Record<string, unknown>>(path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);

  beforeAll(async () => {
    gateway = await startTestGateway({ config: { model_list: [] } });
    await master("/organization/new", { organization_id: "org-a", organization_alias: "A" });
    await master("/organization/new", {
      organization_id: "org-b",
      organization_alias: "B",
      max_budget: 10,
    });
    await master("/team/new", { team_id: "team-a", organization_id: "org-a", max_budget: 5 });
    await master("/team/new", { team_id: "team-b", organization_id: "org-b", max_budget: 5 });
    await master("/user/new", {
      user_id: "org-a-admin",
      user_role: "org_admin",
      organization_id: "org-a",
    });
    orgAdminKey = (
      await master<{ key: string }>("/key/generate", {
        user_id: "org-a-admin",
        organization_id: "org-a",
      })
    ).key;
    await master("/team/member_add", {
      team_id: "team-b",
      member: { user_id: "org-a-admin", role: "user" },
    });
    const made = await as(orgAdminKey, "/key/generate", { team_id: "team-b" });
    expect(made.status, JSON.stringify(made.body)).toBe(200);
    keyInB = (made.body as { key: string }).key;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it("a key in another organization's team gives no org admin rights there", async () => {
    const before = await master(`/team/info?team_id=team-b`);
    for (const [path, body] of [
      ["/team/update", { team_id: "team-b", max_budget: 10 }],
      ["/user/new", { user_id: "made-in-b", organization_id: "org-b" }],
      ["/team/new", { team_id: "team-b2", organization_id: "org-b" }],
      [
        "/team/member_add",
        { team_id: "team-b", member: { user_id: "org-a-admin", role: "admin" } },
      ],
      ["/organization/update", { organization_id: "org-b", max_budget: 1000 }],
    ] as const) {
      const reply = await as(keyInB, path, body);
      expect(reply.status, `${path}: ${JSON.stringify(reply.body)}`).toBe(403);
    }
    expect(await master(`/team/info?team_id=team-b`)).toEqual(before);
    const teams = await as(keyInB, "/team/list");
    expect(teams.status).toBe(200);
    // An org admin lists their organization's teams (not org-b's).
    expect((teams.body as { team_id: string }[]).map((t) => t.team_id)).toEqual(["team-a"]);
  });

  it("the same key still administers the user's own organization", async () => {
    const reply = await as(keyInB, "/team/update", { team_id: "team-a", max_budget: 4 });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const own = await as(orgAdminKey, "/team/update", { team_id: "team-a", max_budget: 3 });
    expect(own.status, JSON.stringify(own.body)).toBe(200);
  });
});
