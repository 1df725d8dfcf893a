import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { examplePath } from "../testing/examples-dir.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";

// examples/management-api.sh, run unchanged with sh and curl against the real gateway over HTTP;
// then what it created is checked through the API and with the OpenAI client.
const SCRIPT = examplePath("management-api.sh");
const SUFFIX = `t${process.pid}`;

interface Step {
  route: string;
  output: string;
}

/** The script's output as its steps: "### <route>: <what>" then that step's answer. */
function stepsOf(stdout: string): Step[] {
  return stdout
    .split(/^### /m)
    .slice(1)
    .map((block) => {
      const [heading = "", ...rest] = block.split("\n");
      return { route: heading.slice(0, heading.indexOf(":")), output: rest.join("\n").trim() };
    });
}

const json = <T = Record<string, unknown>>(step: Step | undefined): T =>
  JSON.parse(step!.output.split("\n")[0]!) as T;

// The script starts about twenty curl and node processes: give it room on a loaded machine.
describe("examples/management-api.sh against a running gateway", { timeout: 90_000 }, () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let cwd: string;
  let steps: Step[];
  let stdout: string;
  let teamId: string;
  let key: string;

  const runScript = (env: Record<string, string>) =>
    promisify(execFile)("sh", [SCRIPT], {
      cwd, // no .data/master-key here: the key comes from the environment only
      env: { PATH: process.env.PATH ?? "", GATEWAY_URL: gateway.url, SUFFIX, ...env },
    });

  beforeAll(async () => {
    upstream = await startFakeOpenAI({ apiKey: "sk-up" });
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
      masterKey: "sk-walkthrough-master-key",
    });
    cwd = await mkdtemp(join(tmpdir(), "management-walkthrough-"));
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
    if (cwd) await rm(cwd, { recursive: true, force: true });
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

  it("refuses to start without a master key, naming what to set", async () => {
    const failed = await runScript({}).catch((e: { code: number; stderr: string }) => e);
    expect(failed).toMatchObject({ code: 2 });
    expect((failed as { stderr: string }).stderr).toContain("MASTER_KEY");
  });

  it("stops at the first refused call with the gateway's error, creating nothing", async () => {
    const before = (await (await admin("/team/list")).json()) as unknown[];
    const failed = (await runScript({ MASTER_KEY: "sk-not-the-master-key" }).catch(
      (e: unknown) => e,
    )) as { code: number; stdout: string; stderr: string };
    expect(failed.code).not.toBe(0);
    expect(stepsOf(failed.stdout).map((step) => step.route)).toEqual([
      "health/liveliness",
      "team/new",
    ]);
    expect(failed.stderr).toMatch(/"error"/);
    expect(failed.stderr).toContain("stopped: POST /team/new failed");
    expect(await (await admin("/team/list")).json()).toHaveLength(before.length);
  });

  it("runs every step, in order, with the gateway's answers", async () => {
    ({ stdout } = await runScript({
      MASTER_KEY: gateway.masterKey,
      MODEL: "gpt-4o",
      SPEND_WAIT: "0",
    }));
    steps = stepsOf(stdout);
    expect(steps.map((step) => step.route)).toEqual([
      "health/liveliness",
      "team/new",
      "user/new",
      "key/generate",
      "v1/chat/completions",
      "budget/new",
      "customer/new",
      "v1/chat/completions",
      "key/info",
      "team/info",
      "customer/info",
      "spend/logs",
      "global/spend/report",
      "key/block",
    ]);
    // The script prints answers, never the admin key it was given.
    expect(stdout).not.toContain(gateway.masterKey);

    const team = json<{ team_id: string; max_budget: number; models: string[] }>(steps[1]);
    expect(team).toMatchObject({ max_budget: 200, budget_duration: "30d", models: ["gpt-4o"] });
    teamId = team.team_id;

    const user = json<{ user_id: string; teams: string[] }>(steps[2]);
    expect(user).toMatchObject({ user_role: "internal_user", max_budget: 20, teams: [teamId] });

    const created = json<{ key: string }>(steps[3]);
    expect(created).toMatchObject({
      team_id: teamId,
      user_id: user.user_id,
      max_budget: 50,
      max_parallel_requests: 10,
      tpm_limit: 100000,
      rpm_limit: 60,
    });
    expect(created.key).toMatch(/^sk-/);
    key = created.key;

    // Both requests reached the provider with the deployment's key, not the virtual key.
    expect(json(steps[4])).toMatchObject({
      choices: [{ message: { content: "echo: Say hello" } }],
    });
    expect(json(steps[7])).toMatchObject({
      choices: [{ message: { content: "echo: Say hello again" } }],
    });
    expect(upstream.requests.map((r) => r.headers["authorization"])).toEqual([
      "Bearer sk-up",
      "Bearer sk-up",
    ]);

    expect(json(steps[5])).toMatchObject({ budget_id: `free-tier-${SUFFIX}`, max_budget: 1 });
    expect(json(steps[6])).toMatchObject({
      user_id: `customer-${SUFFIX}`,
      budget_id: `free-tier-${SUFFIX}`,
    });
    expect(json(steps[8])).toMatchObject({ info: { key_alias: `backend-service-${SUFFIX}` } });
    expect(json(steps[9])).toMatchObject({ team_id: teamId });
    expect(json(steps[10])).toMatchObject({ user_id: `customer-${SUFFIX}` });
    expect(Array.isArray(json(steps[11]))).toBe(true);
    expect(Array.isArray(json(steps[12]))).toBe(true);

    expect(json(steps[13])).toMatchObject({ blocked: true });
    expect(steps[13]!.output).toMatch(/a request with the blocked key: HTTP 401$/);
  });

  it("the blocked key is refused without an upstream call", async () => {
    const calls = upstream.callCount();
    const client = new OpenAI({ baseURL: gateway.baseURL, apiKey: key, maxRetries: 0 });
    const refused = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstream.callCount()).toBe(calls);
  });

  it("the script's two requests are charged to the key, the team and the customer", async () => {
    // Spend is flushed to the database in batches (about every second).
    let logs: Array<{ spend: number; end_user: string | null; team_id: string }> = [];
    for (let i = 0; i < 50 && logs.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 200));
      logs = (await (await admin(`/spend/logs?api_key=${key}`)).json()) as typeof logs;
    }
    expect(logs).toHaveLength(2);
    expect(logs.every((row) => row.spend > 0 && row.team_id === teamId)).toBe(true);
    expect(logs.map((row) => row.end_user).sort()).toEqual([`customer-${SUFFIX}`, null].sort());

    const info = (await (await admin(`/key/info?key=${key}`)).json()) as {
      info: { spend: number };
    };
    expect(info.info.spend).toBeGreaterThan(0);
    const customer = (await (
      await admin(`/customer/info?end_user_id=customer-${SUFFIX}`)
    ).json()) as { spend: number };
    expect(customer.spend).toBeGreaterThan(0);
  });

  it("another key of the script's team gets the team's model only", async () => {
    const res = await admin("/key/generate", { team_id: teamId });
    const other = new OpenAI({
      baseURL: gateway.baseURL,
      apiKey: ((await res.json()) as { key: string }).key,
      maxRetries: 0,
    });
    await expect(
      other.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "x" }],
      }),
    ).resolves.toBeTruthy();
    const calls = upstream.callCount();
    const refused = await other.chat.completions
      .create({ model: "gemini-pro", messages: [{ role: "user", content: "hi" }] })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OpenAI.APIError);
    expect([401, 403]).toContain((refused as InstanceType<typeof OpenAI.APIError>).status);
    expect(String((refused as Error).message)).toContain("gemini-pro");
    expect(upstream.callCount()).toBe(calls);
  });

  it("a key of the team with a small budget is refused with budget_exceeded once it is spent", async () => {
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
  });
});
