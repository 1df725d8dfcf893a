import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFakeClock, type FakeClock } from "@org/budgets";
import { delay, json, openaiCompletion, startFakeOpenAI, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { manage } from "../testing/manage.ts";

// rpm / tpm / max_parallel_requests at every level that has them (key, user, team, end user,
// per model on a key), over HTTP: an admitted request carries `x-ratelimit-remaining-*`, a
// refused one is a 429 in OpenAI's envelope with `retry-after`, and never reaches the upstream.
// Windows are clock minutes, so the gateway runs on a fake clock the test moves.

const MINUTE = 60_000;

describe("rate limits over HTTP", () => {
  let upstream: FakeServer;
  let gateway: TestGateway;
  let clock: FakeClock;

  beforeAll(async () => {
    upstream = await startFakeOpenAI();
    // Start at the beginning of a minute so no window rolls over in the middle of a test.
    clock = createFakeClock(Date.UTC(2026, 10, 26, 12, 0, 0));
    const deployment = (name: string) => ({
      model_name: name,
      litellm_params: { model: `openai/${name}`, api_key: "sk-up", api_base: `${upstream.url}/v1` },
    });
    gateway = await startTestGateway({
      config: { model_list: [deployment("gpt-4o"), deployment("gpt-4o-mini")] },
      clock,
    });
  });
  afterAll(async () => {
    await gateway?.close();
    await upstream?.close();
  });
  beforeEach(() => {
    // Every test starts in a fresh window.
    clock.advance(MINUTE);
    upstream.reset();
  });

  const admin = <T = Record<string, unknown>>(path: string, body: unknown) =>
    manage<T>(gateway, gateway.masterKey, path, body);
  const newKey = async (fields: Record<string, unknown>) =>
    (await admin<{ key: string }>("/key/generate", fields)).key;

  const chat = (key: string, extra: Record<string, unknown> = {}) =>
    fetch(`${gateway.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hello there" }],
        ...extra,
      }),
    });

  async function expectRateLimited(res: Response, type: "requests" | "tokens") {
    const body = (await res.json()) as { error: Record<string, unknown> };
    expect(res.status, JSON.stringify(body)).toBe(429);
    expect(body.error).toMatchObject({ type: expect.any(String) });
    expect(body.error.message).toContain(`Limit type: ${type}`);
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect(res.headers.get(`x-ratelimit-remaining-${type}`)).toBe("0");
    return body.error;
  }

  it("a key's rpm_limit admits that many requests a minute, then 429s without an upstream call", async () => {
    const key = await newKey({ rpm_limit: 3 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await chat(key);
      expect(res.status).toBe(200);
      remaining.push(res.headers.get("x-ratelimit-remaining-requests") ?? "missing");
      await res.arrayBuffer();
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    expect(upstream.callCount()).toBe(3);

    const error = await expectRateLimited(await chat(key), "requests");
    expect(error.message).toContain("Current limit: 3");
    expect(upstream.callCount()).toBe(3);

    // The official SDK sees the same refusal as a RateLimitError.
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    await expect(
      client.chat.completions.create({
        model: "gpt-4o",
        messages: [{ role: "user", content: "hi" }],
      }),
    ).rejects.toBeInstanceOf(OpenAI.RateLimitError);

    // The next minute opens a new window.
    clock.advance(MINUTE);
    const again = await chat(key);
    expect(again.status).toBe(200);
    expect(upstream.callCount()).toBe(4);
  });

  it("a key's tpm_limit counts prompt and completion tokens, then 429s", async () => {
    const key = await newKey({ tpm_limit: 40 });
    let served = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 20 && !refused; i++) {
      const res = await chat(key);
      if (res.status === 200) {
        served++;
        await res.arrayBuffer();
      } else refused = res;
    }
    expect(served).toBeGreaterThan(0);
    expect(refused, "tpm_limit never refused").toBeDefined();
    await expectRateLimited(refused!, "tokens");
    expect(upstream.callCount()).toBe(served);

    clock.advance(MINUTE);
    expect((await chat(key)).status).toBe(200);
  });

  it("max_parallel_requests refuses the request over the limit while others are in flight", async () => {
    const key = await newKey({ max_parallel_requests: 2 });
    const slow = json(openaiCompletion({ content: "slow" }));
    upstream.enqueue(delay(800, slow), delay(800, slow));
    const first = chat(key);
    const second = chat(key);
    await upstream.waitFor((requests) => requests.length === 2);
    const third = await chat(key);
    const error = await third.json();
    expect(third.status, JSON.stringify(error)).toBe(429);
    expect([(await first).status, (await second).status]).toEqual([200, 200]);
    expect(upstream.callCount()).toBe(2);
    // The slots are released once the requests end.
    expect((await chat(key)).status).toBe(200);
  });

  it("model_rpm_limit limits one model on a key and leaves the others alone", async () => {
    const key = await newKey({ model_rpm_limit: { "gpt-4o": 1 } });
    expect((await chat(key)).status).toBe(200);
    const refused = await chat(key);
    await expectRateLimited(refused, "requests");
    expect((await chat(key, { model: "gpt-4o-mini" })).status).toBe(200);
    expect(upstream.callCount()).toBe(2);
  });

  it("a team's rpm_limit is shared by all of the team's keys", async () => {
    const team = await admin<{ team_id: string }>("/team/new", { rpm_limit: 2 });
    const a = await newKey({ team_id: team.team_id });
    const b = await newKey({ team_id: team.team_id });
    expect((await chat(a)).status).toBe(200);
    expect((await chat(b)).status).toBe(200);
    await expectRateLimited(await chat(a), "requests");
    await expectRateLimited(await chat(b), "requests");
    // A key outside the team is not affected.
    expect((await chat(await newKey({}))).status).toBe(200);
    expect(upstream.callCount()).toBe(3);
  });

  it("a user's rpm_limit is shared by the user's personal keys", async () => {
    const user = await admin<{ user_id: string }>("/user/new", {
      user_id: `rl-user-${Date.now()}`,
      rpm_limit: 1,
    });
    const a = await newKey({ user_id: user.user_id });
    const b = await newKey({ user_id: user.user_id });
    expect((await chat(a)).status).toBe(200);
    await expectRateLimited(await chat(b), "requests");
    expect(upstream.callCount()).toBe(1);
  });

  it("an end user's rpm_limit (the request's `user` field) holds across keys", async () => {
    await admin("/customer/new", { user_id: "rl-customer", rpm_limit: 1 });
    const a = await newKey({});
    const b = await newKey({});
    expect((await chat(a, { user: "rl-customer" })).status).toBe(200);
    await expectRateLimited(await chat(b, { user: "rl-customer" }), "requests");
    // Another end user on the same key is not limited by it.
    expect((await chat(b, { user: "someone-else" })).status).toBe(200);
    expect(upstream.callCount()).toBe(2);
  });
});
