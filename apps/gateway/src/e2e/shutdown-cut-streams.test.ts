import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import {
  PARTIAL_PRICE,
  WORDS,
  deliveredTokens,
  partialModels,
  startDrippingUpstream,
  streamedRequest,
  wordsSeen,
  type InferenceRoute,
} from "../testing/partial-stream.ts";
import { exited, spawnGateway, type SpawnedGateway } from "../testing/spawn-gateway.ts";

// A SIGTERM waits for in-flight streams up to GRACEFUL_SHUTDOWN_TIMEOUT_MS. Streams still open
// at that deadline are cut: each ends with an error event in its route's own format (never a
// bare TCP close that a client could take for a network blip, or an OpenAI stream ending in
// [DONE] as if complete), and each is charged for what it delivered. After a restart on the
// same data, the spend logs and the key's spend show those charges.

const MASTER = "sk-shutdown-master";

interface SpendRow {
  request_id: string;
  status: string;
  spend: number;
  prompt_tokens: number;
  completion_tokens: number;
  error_information?: unknown;
  metadata: { partial?: boolean };
}

describe("a shutdown cuts open streams cleanly and charges them", { timeout: 240_000 }, () => {
  const cleanups: Array<() => Promise<unknown>> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it("ends each stream with its route's error event at the drain deadline, charged", async () => {
    // 40 words at 150 ms each: far longer than the drain deadline.
    const upstream: FakeServer = await startDrippingUpstream(150);
    cleanups.push(() => upstream.close());
    const dataDir = await mkdtemp(join(tmpdir(), "gateway-shutdown-cut-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const config = join(dataDir, "config.json.yaml");
    // JSON is YAML.
    await writeFile(config, JSON.stringify({ model_list: partialModels(upstream) }));
    const boot = async (env: Record<string, string> = {}): Promise<SpawnedGateway> => {
      const g = await spawnGateway(["--config", config, "--port", "0", "--host", "127.0.0.1"], {
        GATEWAY_DATA_DIR: dataDir,
        LITELLM_MASTER_KEY: MASTER,
        ...env,
      });
      cleanups.push(async () => g.child.kill("SIGKILL"));
      return g;
    };

    const first = await boot({ GRACEFUL_SHUTDOWN_TIMEOUT_MS: "500" });
    const { key } = await manage<{ key: string }>(first, MASTER, "/key/generate", {
      max_budget: 100_000,
    });
    const cases: { route: InferenceRoute; model: string }[] = [
      { route: "chat-passthrough", model: "partial" },
      { route: "chat", model: "partial" },
      { route: "chat", model: "partial-reencoded" },
      { route: "completions", model: "partial" },
      { route: "responses", model: "partial" },
      { route: "messages", model: "partial" },
    ];
    // Every stream open and delivering before the signal.
    const streams = await Promise.all(
      cases.map(async (c) => {
        const { path, body } = streamedRequest(c.route, c.model, "tell me a long story");
        const res = await fetch(`${first.url}${path}`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        expect(res.status, `${c.route}: ${res.status === 200 ? "" : await res.text()}`).toBe(200);
        const reader = res.body!.getReader();
        const decoder = new TextDecoder();
        let text = "";
        while (wordsSeen(text) < 2) {
          const { done, value } = await reader.read();
          if (done) throw new Error(`${c.route} ended early:\n${text}`);
          text += decoder.decode(value, { stream: true });
        }
        const rest = (async () => {
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return text;
            text += decoder.decode(value, { stream: true });
          }
        })();
        return { ...c, callId: res.headers.get("x-litellm-call-id")!, rest };
      }),
    );

    first.child.kill("SIGTERM");
    // Each stream ends (the reads resolve: no reset), cut short, with its route's error event.
    const ended = await Promise.all(streams.map(async (s) => ({ ...s, text: await s.rest })));
    expect(await exited(first.child)).toBe(0);
    for (const s of ended) {
      const seen = wordsSeen(s.text);
      expect(seen, s.route).toBeGreaterThanOrEqual(2);
      expect(seen, s.route).toBeLessThan(WORDS.length);
      const last = s.text.trimEnd().split("\n\n").at(-1)!;
      if (s.route === "messages") {
        expect(last).toMatch(/^event: error\ndata: /);
        expect(last).toContain('"type":"overloaded_error"');
      } else if (s.route === "responses") {
        expect(s.text).toContain("event: response.failed");
        expect(s.text).toContain("shutting down");
      } else {
        expect(last).toMatch(/^data: \{"error":/);
        expect(last).toContain("shutting down");
        expect(s.text).not.toContain("[DONE]");
      }
    }

    // After a restart on the same data: every cut stream charged for the words it delivered.
    const second = await boot();
    let total = 0;
    for (const s of ended) {
      const rows = await manage<SpendRow[]>(second, MASTER, `/spend/logs?request_id=${s.callId}`);
      expect(rows, `${s.route} ${s.model}`).toHaveLength(1);
      const row = rows[0]!;
      expect(row.status).toBe("failure");
      expect(row.metadata.partial).toBe(true);
      expect(row.prompt_tokens).toBeGreaterThan(0);
      expect(row.completion_tokens, `${s.route} ${s.model}`).toBe(
        deliveredTokens(wordsSeen(s.text)),
      );
      expect(row.spend).toBeCloseTo(
        (row.prompt_tokens + row.completion_tokens) * PARTIAL_PRICE,
        10,
      );
      total += row.spend;
    }
    const info = await manage<{ info: { spend: number } }>(second, key, "/key/info");
    expect(info.info.spend).toBeCloseTo(total, 10);
    second.child.kill("SIGTERM");
    expect(await exited(second.child)).toBe(0);
  });
});
