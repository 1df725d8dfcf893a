import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// The product brief's management flow, over HTTP, with its own script run unchanged.
const script = fileURLToPath(
  new URL("../../../../../shared/examples/management-api.sh", import.meta.url),
);

describe("management API: the brief's team -> key flow", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let teamId: string;
  let key: string;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    const deployment = (name: string) => ({
      model_name: name,
      litellm_params: {
        model: `openai/${name}`,
        api_key: "sk-up",
        api_base: `${upstream.url}/v1`,
        // Priced high so a small budget runs out after a few requests.
        input_cost_per_token: 0.01,
        output_cost_per_token: 0.01,
      },
    });
    gateway = await startTestGateway({
      config: {
        model_list: [deployment("gpt-4o"), deployment("claude-sonnet"), deployment("gemini-pro")],
      },
      masterKey: "sk-litellm-master-key-change-this",
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const admin = (path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${gateway.masterKey}`,
        "content-type": "application/json",
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("runs the brief's script unchanged and creates the team", async () => {
    expect(existsSync(script), `missing ${script}`).toBe(true);
    const { stdout } = await promisify(execFile)("sh", [script], {
      env: { ...process.env, BASE: gateway.url, MASTER: gateway.masterKey },
    });
    const team = JSON.parse(stdout) as { team_id: string; max_budget: number; models: string[] };
    expect(team.team_id).toBeTruthy();
    expect(team.max_budget).toBe(200);
    expect(team.models).toEqual(["gpt-4o", "claude-sonnet"]);
    teamId = team.team_id;
  });

  it("its commented key request returns a key", async () => {
    const res = await admin("/key/generate", {
      team_id: teamId,
      key_alias: "backend-service-prod",
      max_budget: 50,
      budget_duration: "1mo",
      max_parallel_requests: 10,
      tpm_limit: 100000,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { key: string };
    expect(body.key).toMatch(/^sk-/);
    key = body.key;
  });

  it("the key answers gpt-4o and is refused gemini-pro without an upstream call", async () => {
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    const ok = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(ok.choices[0]?.message.content).toBe("echo: hi");
    const calls = upstream.callCount();
    const refused = await client.chat.completions
      .create({ model: "gemini-pro", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect([401, 403]).toContain((refused as InstanceType<typeof OpenAI.APIError>).status);
    expect(String((refused as Error).message)).toContain("gemini-pro");
    expect(upstream.callCount()).toBe(calls);
  });

  it("spend shows up in /key/info, and an exhausted budget refuses with budget_exceeded", async () => {
    const small = (await (
      await admin("/key/generate", { team_id: teamId, max_budget: 0.05 })
    ).json()) as { key: string };
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: small.key, maxRetries: 0 });
    let refused: unknown;
    for (let i = 0; i < 20 && !refused; i++) {
      await client.chat.completions
        .create({ model: "gpt-4o", max_tokens: 5, messages: [{ role: "user", content: "hi" }] })
        .catch((e: unknown) => (refused = e));
    }
    expect(refused).toBeInstanceOf(OpenAI.BadRequestError);
    expect((refused as InstanceType<typeof OpenAI.APIError>).type).toBe("budget_exceeded");

    // Another key of the same team still works.
    const other = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    await expect(
      other.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
      }),
    ).resolves.toBeTruthy();

    // Spend is flushed to the database in batches (about every second).
    let spend = 0;
    for (let i = 0; i < 30 && spend === 0; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const info = (await (await admin(`/key/info?key=${small.key}`)).json()) as {
        info: { spend: number };
      };
      spend = info.info.spend;
    }
    expect(spend).toBeGreaterThan(0);
  });
});
