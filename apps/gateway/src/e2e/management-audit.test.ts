import { createHash } from "node:crypto";
import { executeRows } from "@org/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The audit log of admin actions, driven over HTTP and read from the database (LiteLLM serves
// its audit log only in the enterprise edition, so there is no route to read it): each key
// change writes one row saying who did what to which key, and no row ever holds a key, a
// password or a provider credential.

interface AuditRow {
  changed_by: string;
  changed_by_api_key_hash: string;
  action: string;
  table_name: string;
  object_id: string;
  before_value: Record<string, unknown> | null;
  updated_values: Record<string, unknown> | null;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const PROVIDER_SECRET = "sk-provider-credential-never-audited";
const PASSWORD = "correct horse battery staple";

describe("audit log of management actions", () => {
  let gateway: TestGateway;
  /** Every secret this test hands the gateway or gets back from it. */
  const secrets: string[] = [PROVIDER_SECRET, PASSWORD];

  const call = async (key: string, path: string, body: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as Record<string, unknown>;
    expect(res.status, JSON.stringify(json)).toBe(200);
    return json;
  };
  const rowsFor = (objectId: string) =>
    executeRows<AuditRow & Record<string, unknown>>(
      gateway.gateway.db.db,
      `select * from audit_logs where object_id = '${objectId}' order by changed_at, id`,
    );

  beforeAll(async () => {
    gateway = await startTestGateway({ env: { LITELLM_SALT_KEY: "salt-for-audit-tests" } });
    secrets.push(gateway.masterKey);
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it("a key's generate, update, regenerate, block and delete each write one row, in order", async () => {
    const created = await call(gateway.masterKey, "/key/generate", {
      key_alias: "audited",
      max_budget: 5,
      metadata: { owner: "search" },
    });
    const key = created.key as string;
    const keyId = created.key_id as string;
    secrets.push(key);
    await call(gateway.masterKey, "/key/update", { key, max_budget: 7, key_alias: "audited-2" });
    const rotated = await call(gateway.masterKey, `/key/${key}/regenerate`, {});
    secrets.push(rotated.key as string);
    await call(gateway.masterKey, "/key/block", { key: rotated.key });
    await call(gateway.masterKey, "/key/delete", { keys: [rotated.key] });

    const rows = await rowsFor(keyId);
    expect(rows.map((r) => r.action)).toEqual([
      "created",
      "updated",
      "rotated",
      "blocked",
      "deleted",
    ]);
    for (const row of rows) {
      expect(row).toMatchObject({
        table_name: "virtual_keys",
        object_id: keyId,
        changed_by: "litellm_proxy_admin",
        changed_by_api_key_hash: sha256(gateway.masterKey),
      });
    }
    expect(rows[0]!.updated_values).toMatchObject({
      key_alias: "audited",
      max_budget: 5,
      metadata: { owner: "search" },
    });
    // Keys show only in their abbreviated form, as everywhere else.
    expect(rows[0]!.updated_values!.key_name).toBe(`sk-...${key.slice(-4)}`);
    expect(rows[1]!.before_value).toMatchObject({ key_alias: "audited", max_budget: 5 });
    expect(rows[1]!.updated_values).toMatchObject({ keyAlias: "audited-2", maxBudget: 7 });
    expect(rows[4]!.before_value).toMatchObject({ key_alias: "audited-2" });
  });

  it("a row names the user whose key made the change", async () => {
    const user = await call(gateway.masterKey, "/user/new", { user_id: "auditor" });
    const userKey = user.key as string;
    secrets.push(userKey);
    const own = await call(userKey, "/key/generate", { key_alias: "mine" });
    secrets.push(own.key as string);
    const [row] = await rowsFor(own.key_id as string);
    expect(row).toMatchObject({
      action: "created",
      changed_by: "auditor",
      changed_by_api_key_hash: sha256(userKey),
    });
  });

  it("passwords and provider credentials are left out of the rows", async () => {
    await call(gateway.masterKey, "/user/update", { user_id: "auditor", password: PASSWORD });
    const model = await call(gateway.masterKey, "/model/new", {
      model_name: "audited-model",
      litellm_params: { model: "openai/gpt-4o", api_key: PROVIDER_SECRET },
    });
    const [userRow] = (await rowsFor("auditor")).filter((r) => r.action === "updated");
    expect(userRow!.updated_values).not.toHaveProperty("passwordHash");
    const modelId = (model.model_info as { id: string }).id;
    const [modelRow] = await rowsFor(modelId);
    expect(modelRow).toMatchObject({ action: "created", table_name: "proxy_models" });
    expect(modelRow!.updated_values).toMatchObject({ model_name: "audited-model" });
  });

  it("no row anywhere in the audit log holds a secret", async () => {
    const all = await executeRows(gateway.gateway.db.db, "select * from audit_logs");
    expect(all.length).toBeGreaterThanOrEqual(9);
    const text = JSON.stringify(all);
    for (const secret of secrets) expect(text).not.toContain(secret);
    // Not even the stored password hash (argon/scrypt output) or a key's full hash as "token".
    expect(text).not.toMatch(/"(token|password_hash|passwordHash|api_key)"/);
  });
});
