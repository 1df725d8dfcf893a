import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// A team's default member budget is a budget row whose id LiteLLM keeps in the team's metadata
// (team_member_budget_id). Found by the access review: a team admin (or an org admin, on a new
// team) could name any budget row there through `metadata`; the next team_member_budget change
// by an owner then rewrote that row, another entity's budget.

describe("team_member_budget_id in a team's metadata", () => {
  let gateway: TestGateway;
  const keys: Record<string, string> = {};

  const as = async (key: string, path: string, body: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { error?: { param?: string } } };
  };
  const master = <T = Record<string, unknown>>(path: string, body?: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  const teamMetadata = async (id: string) =>
    (await master<{ team_info: { metadata: Record<string, unknown> } }>(`/team/info?team_id=${id}`))
      .team_info.metadata;

  beforeAll(async () => {
    gateway = await startTestGateway({ config: { model_list: [] } });
    await master("/budget/new", { budget_id: "someone-elses", max_budget: 1000 });
    await master("/organization/new", { organization_id: "org-a", organization_alias: "A" });
    await master("/team/new", { team_id: "team-a", organization_id: "org-a" });
    keys.teamAdmin = (await master<{ key: string }>("/user/new", { user_id: "team-a-admin" })).key;
    await master("/team/member_add", {
      team_id: "team-a",
      member: { user_id: "team-a-admin", role: "admin" },
    });
    await master("/user/new", {
      user_id: "org-a-admin",
      user_role: "org_admin",
      organization_id: "org-a",
    });
    keys.orgAdmin = (
      await master<{ key: string }>("/key/generate", {
        user_id: "org-a-admin",
        organization_id: "org-a",
      })
    ).key;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it("a team or org admin cannot link a budget row through metadata", async () => {
    const link = { team_member_budget_id: "someone-elses" };
    const before = await teamMetadata("team-a");
    for (const caller of [keys.teamAdmin!, keys.orgAdmin!]) {
      const reply = await as(caller, "/team/update", { team_id: "team-a", metadata: link });
      expect(reply.status, JSON.stringify(reply.body)).toBe(403);
      expect(reply.body.error?.param).toBe("metadata.team_member_budget_id");
    }
    const created = await as(keys.orgAdmin!, "/team/new", { team_id: "team-a2", metadata: link });
    expect(created.status, JSON.stringify(created.body)).toBe(403);
    expect(await teamMetadata("team-a")).toEqual(before);
    // An owner's team_member_budget then makes a row of the team's own.
    await master("/team/update", { team_id: "team-a", team_member_budget: 5 });
    const [budget] = await master<{ max_budget: number }[]>("/budget/info", {
      budgets: ["someone-elses"],
    });
    expect(budget?.max_budget).toBe(1000);
  });

  it("other metadata stays the team admin's", async () => {
    const reply = await as(keys.teamAdmin!, "/team/update", {
      team_id: "team-a",
      metadata: { note: "ours" },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    expect((await teamMetadata("team-a")).note).toBe("ours");
  });
});
