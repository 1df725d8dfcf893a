import { afterEach, describe, expect, it } from "vitest";
import { rawRequest } from "../http-client/raw-request.ts";
import { delay } from "./delay.ts";
import { json } from "./json.ts";
import { startFakeServer, type FakeServer } from "./start-fake-server.ts";

/**
 * Whether `promise` settles within `ms` of real time. A guard against hanging forever with a
 * bound far above any normal duration, so a busy machine cannot make it fail: not a speed test.
 */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const settled = promise.then(
    () => true as const,
    () => true as const,
  );
  try {
    return await Promise.race([settled, guard]);
  } finally {
    clearTimeout(timer);
  }
}

let fake: FakeServer | undefined;
afterEach(() => fake?.close());

describe("delay", () => {
  it("waits before answering with the wrapped responder", async () => {
    fake = await startFakeServer(delay(80, (req) => json({ path: req.path })));
    const started = Date.now();
    const res = await rawRequest(`${fake.url}/slow`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(75);
    expect(JSON.parse(res.text())).toEqual({ path: "/slow" });
  });

  it("is cancelled by close()", async () => {
    fake = await startFakeServer(delay(60_000, json({})));
    const pending = rawRequest(fake.url);
    await fake.waitFor((requests) => requests.length === 1);
    // The delay is a minute: close() must cut it rather than wait for it.
    expect(await settlesWithin(fake.close(), 15_000)).toBe(true);
    await expect(pending).rejects.toThrow();
  });
});
