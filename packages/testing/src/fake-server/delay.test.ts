import { afterEach, describe, expect, it } from "vitest";
import { rawRequest } from "../http-client/raw-request.ts";
import { delay } from "./delay.ts";
import { json } from "./json.ts";
import { startFakeServer, type FakeServer } from "./start-fake-server.ts";

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
    const started = Date.now();
    await fake.close();
    expect(Date.now() - started).toBeLessThan(500);
    await expect(pending).rejects.toThrow();
  });
});
