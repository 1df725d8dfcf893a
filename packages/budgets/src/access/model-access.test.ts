import { describe, expect, it } from "vitest";
import { keyRow, teamRow, userRow, organizationRow } from "../__fixtures__/rows.ts";
import { buildKeyIdentity } from "../keys/build-key-identity.ts";
import { canAccess, checkModelAccess, resolveKeyAlias } from "./model-access.ts";

describe("canAccess (LiteLLM's rule for one model list)", () => {
  it.each([
    [[], "gpt-4o", true],
    [["*"], "anything", true],
    [["all-proxy-models"], "anything", true],
    [["gpt-4o"], "gpt-4o", true],
    [["gpt-4o"], "gpt-4o-mini", false],
    [["openai/*"], "openai/gpt-4o", true],
    [["openai/*"], "anthropic/claude", false],
    [["claude-*"], "claude-3-5-sonnet", true],
  ] as const)("%j allows %s: %s", (models, model, allowed) => {
    expect(canAccess(models, model)).toBe(allowed);
  });

  it("allows models of a listed access group", () => {
    const groups = (m: string) => (m === "gpt-4o" ? ["beta-models"] : []);
    expect(canAccess(["beta-models"], "gpt-4o", groups)).toBe(true);
    expect(canAccess(["beta-models"], "gpt-3.5", groups)).toBe(false);
  });

  it("an alias name is not access: only the model it points at counts", () => {
    expect(canAccess(["x"], "my-alias")).toBe(false);
  });
});

describe("resolveKeyAlias", () => {
  it("rewrites a key's alias to its target and leaves other names alone", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", { models: ["gpt-4o"], aliases: { fast: "gpt-4o-mini" } }),
    });
    expect(resolveKeyAlias(identity, "fast")).toBe("gpt-4o-mini");
    expect(resolveKeyAlias(identity, "gpt-4o")).toBe("gpt-4o");
    expect(resolveKeyAlias(identity, "toString")).toBe("toString");
  });

  it("an alias to a model the key may not use is refused on its target", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", { models: ["gpt-4o"], aliases: { "gpt-4o-secret": "x" } }),
    });
    // The alias name itself is the key's own alias, not a model it was given.
    expect(() => checkModelAccess(identity, "gpt-4o-secret", "gpt-4o-secret")).toThrow(
      /key not allowed to access model/,
    );
    expect(() =>
      checkModelAccess(identity, resolveKeyAlias(identity, "gpt-4o-secret"), "x"),
    ).toThrow(/key not allowed to access model/);
  });
});

describe("checkModelAccess", () => {
  it("refuses with LiteLLM's 401 and wording for the key", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", { models: ["gpt-3.5-turbo", "gpt-4"] }),
    });
    expect(() => checkModelAccess(identity, "gpt-4o", "gpt-4o")).toThrow(
      "key not allowed to access model. This key can only access models=['gpt-3.5-turbo', 'gpt-4']. Tried to access gpt-4o",
    );
    try {
      checkModelAccess(identity, "gpt-4o", "gpt-4o");
    } catch (error) {
      expect(error).toMatchObject({ status: 401, type: "key_model_access_denied", param: "model" });
    }
  });

  it("accepts the requested name or the group it resolved to", () => {
    const identity = buildKeyIdentity({ key: keyRow("sk-a", { models: ["gpt-4o"] }) });
    expect(() => checkModelAccess(identity, "my-alias", "gpt-4o")).not.toThrow();
  });

  it("checks the team's list for team keys", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", { teamId: "t1" }),
      team: teamRow("t1", { models: ["azure-gpt-3.5"] }),
    });
    expect(() => checkModelAccess(identity, "azure-gpt-3.5", undefined)).not.toThrow();
    expect(() => checkModelAccess(identity, "gpt-4o", undefined)).toThrow(
      "Team not allowed to access model. Team=t1, Model=gpt-4o. Allowed team models = ['azure-gpt-3.5']",
    );
  });

  it("lets all-team-models keys use the team's models", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", { teamId: "t1", models: ["all-team-models"] }),
      team: teamRow("t1", { models: ["m1"] }),
    });
    expect(() => checkModelAccess(identity, "m1", undefined)).not.toThrow();
    expect(() => checkModelAccess(identity, "m2", undefined)).toThrow(/Team not allowed/);
  });

  it("checks the user's list for personal keys, including no-default-models", () => {
    const personal = buildKeyIdentity({
      key: keyRow("sk-a", { userId: "u1" }),
      user: userRow("u1", { models: ["m1"] }),
    });
    expect(() => checkModelAccess(personal, "m2", undefined)).toThrow(
      /user not allowed to access model\. This user can only access models=\['m1'\]/,
    );
    const teamOnly = buildKeyIdentity({
      key: keyRow("sk-a", { userId: "u1" }),
      user: userRow("u1", { models: ["no-default-models"] }),
    });
    expect(() => checkModelAccess(teamOnly, "m1", undefined)).toThrow(/No default model access/);
  });

  it("checks the organization's list", () => {
    const identity = buildKeyIdentity({
      key: keyRow("sk-a", { organizationId: "o1" }),
      organization: organizationRow("o1", { models: ["m1"] }),
    });
    expect(() => checkModelAccess(identity, "m2", undefined)).toThrow(
      /org not allowed to access model/,
    );
  });
});
