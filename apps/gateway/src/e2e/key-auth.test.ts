import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeClock, type FakeClock } from "@org/budgets";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// Every way a virtual key stops working, over HTTP with the official SDK: a 401 in OpenAI's
// envelope whose message says which (unknown, expired, blocked, deleted, regenerated, team
// blocked), and no upstream call for any of them.

describe("virtual key authentication over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let clock: FakeClock;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    clock = createFakeClock(Date.UTC(2026, 10, 26, 12, 0, 0));
    gateway = await startTestGateway({
      config: {
        model_list: [
          {
            model_name: "gpt-4o",
            litellm_params: {
              model: "openai/gpt-4o",
              api_key: "sk-up",
              api_base: `${upstream.url}/v1`,
            },
          },
        ],
      },
      clock,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });

  const admin = <T = Record<string, unknown>>(path: string, body: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  const newKey = async (fields: Record<string, unknown> = {}) =>
    (await admin<{ key: string }>("/key/generate", fields)).key;

  /** The SDK's error for one chat request with `key`, which must be a 401. */
  async function refusal(key: string): Promise<{ message: string; type: unknown }> {
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const calls = upstream.callCount();
    const error = await client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(upstream.callCount()).toBe(calls);
    const api = error as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(api.status).toBe(401);
    const body = api.error as { message: string; type: unknown };
    // The presented key never comes back in the error.
    expect(JSON.stringify(body)).not.toContain(key);
    return body;
  }
  const works = async (key: string) => {
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(completion.choices[0]?.message.content).toBeTruthy();
  };

  it("an unknown key", async () => {
    const error = await refusal("sk-this-key-was-never-issued");
    expect(error.message).toMatch(/invalid|not found|unknown/i);
  });

  it("an expired key (duration) works until its expiry, then says it expired", async () => {
    const key = await newKey({ duration: "1h" });
    await works(key);
    clock.advance(60 * 60_000 + 1000);
    const error = await refusal(key);
    expect(error.message).toMatch(/expired/i);
  });

  it("a blocked key, and the same key unblocked", async () => {
    const key = await newKey();
    await works(key);
    await admin("/key/block", { key });
    expect((await refusal(key)).message).toMatch(/blocked/i);
    await admin("/key/unblock", { key });
    await works(key);
  });

  it("a deleted key", async () => {
    const key = await newKey();
    await works(key);
    await admin("/key/delete", { keys: [key] });
    expect((await refusal(key)).message).toMatch(/deleted|not found|invalid/i);
  });

  it("a regenerated key: the old one stops, the new one works", async () => {
    const key = await newKey();
    await works(key);
    const regenerated = await admin<{ key: string }>(
      `/key/${encodeURIComponent(key)}/regenerate`,
      {},
    );
    expect(regenerated.key).not.toBe(key);
    expect((await refusal(key)).message).toMatch(/regenerated|invalid|not found/i);
    await works(regenerated.key);
  });

  it("a key of a blocked team", async () => {
    const team = await admin<{ team_id: string }>("/team/new", { team_alias: "blocked-team" });
    const key = await newKey({ team_id: team.team_id });
    await works(key);
    await admin("/team/block", { team_id: team.team_id });
    expect((await refusal(key)).message).toMatch(/blocked/i);
  });

  it("no key, or a malformed authorization header", async () => {
    for (const headers of [
      {},
      { authorization: "Basic abc" },
      { authorization: "Bearer " },
    ] as Record<string, string>[]) {
      const res = await fetch(`${gateway.baseURL}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
      });
      const body = (await res.json()) as { error: Record<string, unknown> };
      expect(res.status).toBe(401);
      expect(body.error).toMatchObject({ message: expect.any(String) });
      expect(Object.keys(body.error).sort()).toEqual(["code", "message", "param", "type"]);
    }
  });
});
