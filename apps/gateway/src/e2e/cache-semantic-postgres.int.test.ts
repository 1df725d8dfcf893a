import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { integrationUrl } from "../testing/require-env.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { startTopicEmbeddings, type TopicEmbeddings } from "../testing/topic-embeddings.ts";

const databaseUrl = integrationUrl("TEST_DATABASE_URL");

// `type: postgres-semantic` (ours) over HTTP with the official OpenAI SDK: two gateway instances
// on one PostgreSQL (a fresh schema) share the semantic cache through the gateway's own
// database. The answer and its prompt vector are a row of `semantic_cache_entries`; the other
// instance hears of it by LISTEN/NOTIFY and keeps its own index in step (this PostgreSQL has no
// pgvector). No Redis is configured at all.

const THRESHOLD = 0.9;

describe.skipIf(!databaseUrl)(
  "semantic response cache shared through PostgreSQL (postgres-semantic)",
  () => {
    const id = randomBytes(4).toString("hex");
    const schema = `gw_semcache_${id}`;
    let chatUpstream: FakeServer;
    let embeddings: TopicEmbeddings;
    const gateways: TestGateway[] = [];
    const chatCalls = () => chatUpstream.callCount("/v1/chat/completions");

    const start = () =>
      startTestGateway({
        databaseUrl: databaseUrl!,
        env: { DATABASE_SCHEMA: schema },
        config: {
          model_list: [
            {
              model_name: "gpt-4o",
              litellm_params: {
                model: "openai/gpt-4o",
                api_key: "sk-up",
                api_base: `${chatUpstream.url}/v1`,
              },
            },
            {
              model_name: "embedder",
              litellm_params: {
                model: "openai/text-embedding-3-small",
                api_key: "sk-up",
                api_base: embeddings.apiBase,
              },
            },
          ],
          litellm_settings: {
            cache: true,
            cache_params: {
              type: "postgres-semantic",
              similarity_threshold: THRESHOLD,
              semantic_cache_embedding_model: "embedder",
            },
          },
        },
      }).then((gateway) => {
        gateways.push(gateway);
        return gateway;
      });
    const ask = (gateway: TestGateway, content: string, extra: Record<string, unknown> = {}) =>
      new OpenAI({
        apiKey: gateway.masterKey,
        baseURL: gateway.baseURL,
        maxRetries: 0,
      }).chat.completions
        .create({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra })
        .withResponse();
    const hitOf = (res: { response: Response }) => res.response.headers.get("x-litellm-cache-hit");

    beforeAll(async () => {
      chatUpstream = await startFakeOpenAI({ apiKey: "sk-up" });
      embeddings = await startTopicEmbeddings();
    });
    afterAll(async () => {
      for (const gateway of gateways) await gateway.close();
      await chatUpstream?.close();
      await embeddings?.close();
      if (databaseUrl) {
        const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
        await sql.unsafe(`drop schema if exists "${schema}" cascade`);
        await sql.end();
      }
    });

    it("a paraphrase of a prompt answered on the first instance hits on the second; a different question misses", async () => {
      // One after the other: both migrate the same schema.
      const a = await start();
      const b = await start();
      const [question, paraphrase] = embeddings.paraphrases(
        `What is the boiling point of water at sea level? (${id})`,
        `At sea level, at what temperature does water boil? (${id})`,
      );
      const before = chatCalls();
      const first = await ask(a, question);
      expect(hitOf(first)).toBeNull();

      // The row is written after the response (not awaited by it), then reaches b by NOTIFY: ask
      // until it hits, bounded. `no-store` keeps a miss on b from storing b's own answer.
      let misses = 0;
      const deadline = Date.now() + 20_000;
      let hit = await ask(b, paraphrase, { cache: { "no-store": true } });
      while (hitOf(hit) !== "True" && Date.now() < deadline) {
        misses++;
        await new Promise((resolve) => setTimeout(resolve, 50));
        hit = await ask(b, paraphrase, { cache: { "no-store": true } });
      }
      expect(hitOf(hit)).toBe("True");
      expect(hit.data.choices).toEqual(first.data.choices);
      expect(hit.data.choices[0]!.message.content).toContain(question);
      expect(
        Number(hit.response.headers.get("x-litellm-semantic-similarity")),
      ).toBeGreaterThanOrEqual(THRESHOLD);
      expect(chatCalls() - before).toBe(1 + misses);

      // A different question is no hit on either instance.
      const other = await ask(b, `How many moons does Mars have? (${id})`);
      expect(hitOf(other)).toBeNull();
      expect(chatCalls() - before).toBe(2 + misses);
    }, 120_000);
  },
);
