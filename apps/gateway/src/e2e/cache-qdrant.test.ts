import { randomBytes } from "node:crypto";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "@org/cache/testing";
import { startFakeOpenAI, startFakeQdrant, type FakeQdrant, type FakeServer } from "@org/testing";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { startTopicEmbeddings, type TopicEmbeddings } from "../testing/topic-embeddings.ts";

// `type: qdrant-semantic` over HTTP with the official OpenAI SDK, against the stateful fake
// Qdrant: prompt vectors (and the answers, in the points' payload) live in the named collection,
// so every instance pointed at it shares the cache; a Qdrant that is not there is a start error.

const THRESHOLD = 0.9;
const QDRANT_KEY = "qdrant-secret-key";

describe("semantic response cache in Qdrant (qdrant-semantic)", () => {
  const collection = `llm-cache-${randomBytes(4).toString("hex")}`;
  let chatUpstream: FakeServer;
  let embeddings: TopicEmbeddings;
  let qdrant: FakeQdrant;
  const gateways: TestGateway[] = [];
  const chatCalls = () => chatUpstream.callCount("/v1/chat/completions");

  const config = (apiBase: string, apiKey = QDRANT_KEY) => ({
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
        type: "qdrant-semantic",
        qdrant_api_base: apiBase,
        qdrant_api_key: apiKey,
        qdrant_collection_name: collection,
        similarity_threshold: THRESHOLD,
        qdrant_semantic_cache_embedding_model: "embedder",
      },
    },
  });
  const start = async () => {
    const gateway = await startTestGateway({ config: config(qdrant.url) });
    gateways.push(gateway);
    return gateway;
  };
  const ask = (gateway: TestGateway, content: string) =>
    new OpenAI({
      apiKey: gateway.masterKey,
      baseURL: gateway.baseURL,
      maxRetries: 0,
    }).chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content }] })
      .withResponse();
  const hitOf = (res: { response: Response }) => res.response.headers.get("x-litellm-cache-hit");
  /** The point is written after the response: wait, bounded, until the collection holds `n`. */
  const untilPoints = async (n: number) => {
    const deadline = Date.now() + 10_000;
    while ((qdrant.collection(collection)?.points.size ?? 0) < n) {
      if (Date.now() > deadline) throw new Error(`the collection never held ${n} point(s)`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    chatUpstream = await startFakeOpenAI({ apiKey: "sk-up" });
    embeddings = await startTopicEmbeddings();
    qdrant = await startFakeQdrant({ apiKey: QDRANT_KEY });
  });
  afterAll(async () => {
    for (const gateway of gateways) await gateway.close();
    await chatUpstream?.close();
    await embeddings?.close();
    await qdrant?.close();
  });

  it("a paraphrase hits through Qdrant (on this instance and another on the same collection); the key is sent; the collection is created once", async () => {
    const a = await start();
    const [question, paraphrase] = embeddings.paraphrases(
      "Which planet is known as the red planet?",
      "What planet do people call the red planet?",
    );
    const before = chatCalls();
    const first = await ask(a, question);
    expect(hitOf(first)).toBeNull();
    await untilPoints(1);

    const second = await ask(a, paraphrase);
    expect(hitOf(second)).toBe("True");
    expect(second.data.choices).toEqual(first.data.choices);
    const similarity = Number(second.response.headers.get("x-litellm-semantic-similarity"));
    expect(similarity).toBeGreaterThanOrEqual(THRESHOLD);
    expect(similarity).toBeLessThan(1);

    // Different questions miss, and each adds its point to the same collection.
    for (const q of ["How deep is the Pacific Ocean?", "Who painted the Mona Lisa?"]) {
      const res = await ask(a, q);
      expect(hitOf(res)).toBeNull();
      expect(res.data.choices[0]!.message.content).toContain(q);
    }
    await untilPoints(3);
    expect(chatCalls() - before).toBe(3);

    // Another instance on the same collection shares it with no sync of its own.
    const b = await start();
    const fromB = await ask(b, paraphrase);
    expect(hitOf(fromB)).toBe("True");
    expect(fromB.data.choices).toEqual(first.data.choices);
    expect(chatCalls() - before).toBe(3);

    expect(qdrant.requests.length).toBeGreaterThan(0);
    for (const req of qdrant.requests) expect(req.headers["api-key"]).toBe(QDRANT_KEY);
    const creates = qdrant.requests.filter(
      (r) => r.method === "PUT" && r.pathname === `/collections/${collection}`,
    );
    expect(creates).toHaveLength(1);
    expect(qdrant.collection(collection)?.distance).toBe("Cosine");
  }, 120_000);

  it("a Qdrant that is not reachable (a closed port) is a start error naming the URL", async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const started = startTestGateway({ config: config(url) });
    const error = (await started.then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(error).toBeInstanceOf(Error);
    expect(error!.message).toContain(`Qdrant at ${url}`);
    expect(error!.message).toMatch(/not reachable/);
    expect(error!.message).not.toContain(QDRANT_KEY);
  }, 120_000);

  it("a Qdrant that refuses the API key is a start error that does not echo the key", async () => {
    const started = startTestGateway({ config: config(qdrant.url, "wrong-key-do-not-echo") });
    const error = (await started.then(
      () => undefined,
      (e: unknown) => e,
    )) as Error | undefined;
    expect(error?.message).toMatch(/refused the API key/);
    expect(error?.message).not.toContain("wrong-key-do-not-echo");
  }, 120_000);
});
