import { executeRows } from "@org/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// Every credential field LiteLLM knows (and a few invented secret-looking ones), on a model from
// the config and one added with /model/new: no answer that describes models (/model/info,
// /v1/model/info, /model/new, /model/update, /v1/models) and no audit row may contain any of the
// secret values, searched for in the raw response text and headers. What is shown is decided by
// an allowlist, so a field nobody has thought of yet stays hidden too.

/** A unique, recognisable value per field; none may ever be seen again. */
const secret = (field: string) => `S3CRET-${field}-7f3a9c`;

const CREDENTIAL_FIELDS = [
  "api_key",
  "aws_access_key_id",
  "aws_secret_access_key",
  "aws_session_token",
  "aws_bearer_token_bedrock",
  "aws_web_identity_token",
  "azure_ad_token",
  "client_secret",
  "client_id",
  "tenant_id",
  "vertex_credentials",
  "hf_token",
  "watsonx_token",
  "api_token",
  "databricks_token",
  "token",
  "password",
  "litellm_credential_name",
  // Invented: nothing in a name says "secret", yet they must stay hidden.
  "internal_blob",
  "signing_material",
  "upstream_ticket",
];

function litellmParams(tag: string): Record<string, unknown> {
  const params: Record<string, unknown> = {
    model: "openai/gpt-4o-mini",
    // userinfo, query and fragment can all carry credentials.
    api_base: `https://user-${tag}:${secret(`api_base_password_${tag}`)}@upstream.invalid/v1?key=${secret(`api_base_query_${tag}`)}#${secret(`api_base_fragment_${tag}`)}`,
    api_version: "2024-06-01",
    rpm: 100,
    timeout: 30,
    headers: { Authorization: `Bearer ${secret(`headers_${tag}`)}` },
    extra_headers: { "x-api-key": secret(`extra_headers_${tag}`) },
    // A nested object under a harmless-looking name.
    vertex_ai_settings: { private_key: secret(`nested_${tag}`) },
  };
  for (const field of CREDENTIAL_FIELDS) params[field] = secret(`${field}_${tag}`);
  return params;
}

function modelInfo(tag: string): Record<string, unknown> {
  return {
    description: "a model with every credential",
    base_model: "gpt-4o-mini",
    access_groups: ["secret-test"],
    input_cost_per_token: 0.000001,
    api_key: secret(`info_api_key_${tag}`),
    private_key: secret(`info_private_key_${tag}`),
    webhook: `https://hooks.invalid/${secret(`info_webhook_${tag}`)}`,
    owner_notes: secret(`info_notes_${tag}`),
    nested: { token: secret(`info_nested_${tag}`) },
  };
}

/** Every secret value placed in the config and in /model/new and /model/update bodies. */
const ALL_SECRETS = ["config", "db", "update"].flatMap((tag) => [
  ...CREDENTIAL_FIELDS.map((field) => secret(`${field}_${tag}`)),
  ...["api_base_password", "api_base_query", "api_base_fragment", "headers", "extra_headers"].map(
    (field) => secret(`${field}_${tag}`),
  ),
  secret(`nested_${tag}`),
  ...["info_api_key", "info_private_key", "info_webhook", "info_notes", "info_nested"].map(
    (field) => secret(`${field}_${tag}`),
  ),
]);

describe("model answers never contain a credential", () => {
  let gateway: TestGateway;
  let virtualKey: string;

  /** The raw response (headers and body), asserted free of every secret. */
  const raw = async (key: string, path: string, body?: unknown) => {
    const res = await fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const everything = `${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${text}`;
    const seen = ALL_SECRETS.filter((s) => everything.includes(s));
    expect(seen, `${path} shows secrets`).toEqual([]);
    // A looser search: no piece of any secret marker at all.
    expect(everything).not.toContain("S3CRET");
    return JSON.parse(text) as Record<string, unknown>;
  };

  beforeAll(async () => {
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "config-model",
            litellm_params: litellmParams("config"),
            model_info: modelInfo("config"),
          },
        ],
      },
      env: { LITELLM_SALT_KEY: "salt-for-secret-tests" },
    });
    virtualKey = (
      await manage(gateway, gateway.masterKey, "/key/generate", {
        models: ["config-model", "db-model"],
      })
    ).key as string;
  }, 60_000);
  afterAll(async () => {
    await gateway?.close();
  });

  it("/model/new and /model/update answers show only harmless fields", async () => {
    const created = await raw(gateway.masterKey, "/model/new", {
      model_name: "db-model",
      litellm_params: litellmParams("db"),
      model_info: modelInfo("db"),
    });
    expect(created.litellm_params).toEqual({
      model: "openai/gpt-4o-mini",
      api_base: "https://upstream.invalid/v1",
      api_version: "2024-06-01",
      rpm: 100,
      timeout: 30,
    });
    expect(created.model_info).toMatchObject({
      description: "a model with every credential",
      base_model: "gpt-4o-mini",
      access_groups: ["secret-test"],
      input_cost_per_token: 0.000001,
      db_model: true,
    });
    const id = (created.model_info as { id: string }).id;
    const updated = await raw(gateway.masterKey, "/model/update", {
      model_id: id,
      litellm_params: litellmParams("update"),
      model_info: modelInfo("update"),
    });
    expect(updated.litellm_params).toEqual(created.litellm_params);
  });

  it.each(["/model/info", "/v1/model/info", "/v1/models"])(
    "%s shows no credential to the master key or to a key allowed the models",
    async (path) => {
      for (const key of [gateway.masterKey, virtualKey]) {
        const body = await raw(key, path);
        const data = body.data as Array<Record<string, unknown>>;
        const names = data.map((d) => d.model_name ?? d.id);
        expect(names).toEqual(expect.arrayContaining(["config-model", "db-model"]));
        if (path !== "/v1/models") {
          const config = data.find((d) => d.model_name === "config-model")!;
          expect(config.litellm_params).toMatchObject({
            model: "openai/gpt-4o-mini",
            api_version: "2024-06-01",
          });
          expect(config.model_info).toMatchObject({ description: "a model with every credential" });
        }
      }
    },
  );

  it("no audit row holds a credential", async () => {
    const rows = await executeRows<{ text: string }>(
      gateway.gateway.db.db,
      "select t::text as text from audit_logs t where table_name = 'proxy_models'",
    );
    expect(rows.length).toBeGreaterThan(0);
    const text = rows.map((r) => r.text).join("\n");
    expect(ALL_SECRETS.filter((s) => text.includes(s))).toEqual([]);
  });
});
