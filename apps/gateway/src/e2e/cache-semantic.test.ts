import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeServer } from "@org/testing";
import { manage } from "../testing/manage.ts";
import { startTestGateway, type TestGateway } from "../testing/start-test-gateway.ts";
import { startTopicEmbeddings, type TopicEmbeddings } from "../testing/topic-embeddings.ts";

// The semantic cache (`type: local-semantic`) over HTTP with the official OpenAI SDK. The
// embeddings upstream is a fake whose vectors put paraphrases close and different questions far;
// the chat upstream echoes the question, so a paraphrase answered with the first wording's echo
// proves the answer came from the cache (and the upstream's call count says so too).

const INPUT_COST = 0.000001;
const OUTPUT_COST = 0.000002;
/** The embedding model is priced high: a lookup charged to the caller could not hide. */
const EMBEDDING_COST = 0.001;
const THRESHOLD = 0.9;

type SpendLog = { request_id: string; spend: number; cache_hit: string };

describe("semantic response cache (local-semantic) over HTTP", () => {
  let chatUpstream: FakeServer;
  let embeddings: TopicEmbeddings;
  let gateway: TestGateway;
  let exact: TestGateway;
  let openai: OpenAI;
  let n = 0;
  const chatCalls = () => chatUpstream.callCount("/v1/chat/completions");
  /** Two wordings of one question no other test asks. */
  const paraphrasePair = (label: string) => {
    const id = `${label} #${++n}`;
    return embeddings.paraphrases(
      `What is the capital city of France? (${id})`,
      `Tell me, which city is France's capital? (${id})`,
    );
  };

  const modelList = (embeddingsBase: string) => {
    const chat = (name: string) => ({
      model_name: name,
      litellm_params: {
        model: "openai/gpt-4o",
        api_key: "sk-upstream",
        api_base: `${chatUpstream.url}/v1`,
        input_cost_per_token: INPUT_COST,
        output_cost_per_token: OUTPUT_COST,
      },
    });
    return [
      chat("gpt-4o"),
      chat("gpt-4o-twin"),
      {
        model_name: "embedder",
        litellm_params: {
          model: "openai/text-embedding-3-small",
          api_key: "sk-upstream",
          api_base: embeddingsBase,
          input_cost_per_token: EMBEDDING_COST,
        },
      },
    ];
  };
  const semanticConfig = (threshold: number, embeddingModel = "embedder") => ({
    model_list: modelList(embeddings.apiBase),
    litellm_settings: {
      cache: true,
      cache_params: {
        type: "local-semantic",
        similarity_threshold: threshold,
        semantic_cache_embedding_model: embeddingModel,
      },
    },
  });

  beforeAll(async () => {
    chatUpstream = await startFakeOpenAI({ apiKey: "sk-upstream" });
    embeddings = await startTopicEmbeddings();
    gateway = await startTestGateway({ config: semanticConfig(THRESHOLD) });
    exact = await startTestGateway({ config: semanticConfig(1.0) });
    openai = new OpenAI({ apiKey: gateway.masterKey, baseURL: gateway.baseURL, maxRetries: 0 });
  }, 120_000);

  afterAll(async () => {
    await gateway?.close();
    await exact?.close();
    await chatUpstream?.close();
    await embeddings?.close();
  });

  const ask = (content: string, extra: Record<string, unknown> = {}, client = openai) =>
    client.chat.completions
      .create({ model: "gpt-4o", messages: [{ role: "user", content }], ...extra })
      .withResponse();
  const hitOf = (res: { response: Response }) => res.response.headers.get("x-litellm-cache-hit");

  it("a paraphrase hits above the threshold: the cached content, the similarity in a header", async () => {
    const [question, paraphrase] = paraphrasePair("paraphrase");
    const before = chatCalls();
    const first = await ask(question);
    expect(hitOf(first)).toBeNull();
    expect(first.data.choices[0]!.message.content).toContain(question);

    const second = await ask(paraphrase);
    expect(chatCalls() - before).toBe(1);
    expect(hitOf(second)).toBe("True");
    const similarity = Number(second.response.headers.get("x-litellm-semantic-similarity"));
    expect(similarity).toBeGreaterThanOrEqual(THRESHOLD);
    expect(similarity).toBeLessThan(1);
    expect(second.data.choices).toEqual(first.data.choices);
    expect(second.data.id).not.toBe(first.data.id);

    // A streamed paraphrase is served from the cache as a stream.
    const stream = await openai.chat.completions
      .create({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: paraphrase }] })
      .withResponse();
    expect(stream.response.headers.get("x-litellm-cache-hit")).toBe("True");
    let streamed = "";
    for await (const chunk of stream.data) streamed += chunk.choices[0]?.delta?.content ?? "";
    expect(streamed).toBe(first.data.choices[0]!.message.content);
    expect(chatCalls() - before).toBe(1);
  });

  it("a different question misses, and so does the same paraphrase on another model group", async () => {
    const [question, paraphrase] = paraphrasePair("different");
    await ask(question);
    const before = chatCalls();
    const other = await ask(`How tall is Mount Everest? (#${++n})`);
    expect(hitOf(other)).toBeNull();
    expect(other.data.choices[0]!.message.content).toContain("Mount Everest");

    const twin = await openai.chat.completions
      .create({ model: "gpt-4o-twin", messages: [{ role: "user", content: paraphrase }] })
      .withResponse();
    expect(hitOf(twin)).toBeNull();
    expect(twin.data.choices[0]!.message.content).toContain(paraphrase);
    expect(chatCalls() - before).toBe(2);
  });

  it("a paraphrase with another temperature, or with tools, misses (every other parameter must be equal)", async () => {
    const [question, paraphrase] = paraphrasePair("parameters");
    await ask(question, { temperature: 0.2 });
    const before = chatCalls();
    expect(hitOf(await ask(paraphrase, { temperature: 0.9 }))).toBeNull();
    const tools = [
      {
        type: "function",
        function: { name: "lookup", parameters: { type: "object", properties: {} } },
      },
    ];
    expect(hitOf(await ask(paraphrase, { temperature: 0.2, tools }))).toBeNull();
    expect(chatCalls() - before).toBe(2);
    // The control: the same parameters hit.
    expect(hitOf(await ask(paraphrase, { temperature: 0.2 }))).toBe("True");
    expect(chatCalls() - before).toBe(2);
  });

  it("similarity_threshold 1.0 behaves as exact: a paraphrase misses, an identical request hits", async () => {
    const client = new OpenAI({ apiKey: exact.masterKey, baseURL: exact.baseURL, maxRetries: 0 });
    const [question, paraphrase] = paraphrasePair("threshold one");
    const before = chatCalls();
    await ask(question, {}, client);
    const para = await ask(paraphrase, {}, client);
    expect(hitOf(para)).toBeNull();
    expect(para.data.choices[0]!.message.content).toContain(paraphrase);
    const same = await ask(question, {}, client);
    expect(hitOf(same)).toBe("True");
    expect(same.response.headers.get("x-litellm-semantic-similarity")).toBeNull();
    expect(chatCalls() - before).toBe(2);
  });

  it("team isolation holds for semantic hits: another team's paraphrase misses, a teammate's hits", async () => {
    const team = async () =>
      (
        await manage<{ team_id: string }>(gateway, gateway.masterKey, "/team/new", {
          team_alias: `semantic-team-${++n}`,
        })
      ).team_id;
    const keyOf = async (body: Record<string, unknown>) =>
      new OpenAI({
        apiKey: (await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", body))
          .key,
        baseURL: gateway.baseURL,
        maxRetries: 0,
      });
    const [teamA, teamB] = [await team(), await team()];
    const a1 = await keyOf({ team_id: teamA });
    const a2 = await keyOf({ team_id: teamA });
    const b1 = await keyOf({ team_id: teamB });
    const [question, paraphrase] = paraphrasePair("tenant secret");
    const before = chatCalls();
    await ask(question, {}, a1);
    const fromB = await ask(paraphrase, {}, b1);
    expect(hitOf(fromB)).toBeNull();
    expect(fromB.data.choices[0]!.message.content).toContain(paraphrase);
    // Nor through the admin scope: the master key is not team A either.
    expect(hitOf(await ask(paraphrase))).toBeNull();
    const fromA2 = await ask(paraphrase, {}, a2);
    expect(hitOf(fromA2)).toBe("True");
    expect(fromA2.data.choices[0]!.message.content).toContain(question);
    expect(chatCalls() - before).toBe(3);
  });

  it("the lookups' embeddings are not charged to the caller: its key's spend is its own chat cost", async () => {
    const { key } = await manage<{ key: string }>(gateway, gateway.masterKey, "/key/generate", {
      max_budget: 1000,
    });
    const client = new OpenAI({ apiKey: key, baseURL: gateway.baseURL, maxRetries: 0 });
    const [question, paraphrase] = paraphrasePair("spend");
    const embeddingsBefore = embeddings.calls();
    const miss = await ask(question, {}, client);
    const hit = await ask(paraphrase, {}, client);
    expect(hitOf(hit)).toBe("True");
    const other = await ask(`Who wrote Hamlet? (#${++n})`, {}, client);
    // Lookups (and the stores' indexing) did go to the embedding model...
    expect(embeddings.calls() - embeddingsBefore).toBeGreaterThanOrEqual(3);

    await gateway.gateway.budgets.flushSpendNow();
    const chatCost = [miss, other]
      .map((r) => r.data.usage!)
      .reduce(
        (sum, u) => sum + u.prompt_tokens * INPUT_COST + u.completion_tokens * OUTPUT_COST,
        0,
      );
    const info = await manage<{ info: { spend: number } }>(
      gateway,
      gateway.masterKey,
      `/key/info?key=${encodeURIComponent(key)}`,
    );
    // ...yet the key paid its two misses only (a hit costs 0), not a cent of embedding.
    expect(info.info.spend).toBeCloseTo(chatCost, 12);
    const logs = await manage<SpendLog[]>(
      gateway,
      gateway.masterKey,
      `/spend/logs?api_key=${encodeURIComponent(key)}`,
    );
    expect(logs.map((l) => l.request_id).sort()).toEqual(
      [miss, hit, other].map((r) => r.response.headers.get("x-litellm-call-id")).sort(),
    );
    expect(logs.reduce((sum, l) => sum + l.spend, 0)).toBeCloseTo(chatCost, 12);
  });

  it("the embeddings upstream failing (500) makes requests go uncached, never fail, streamed or not", async () => {
    const [question, paraphrase] = paraphrasePair("embedder down");
    embeddings.failing = true;
    try {
      const before = chatCalls();
      const first = await ask(question);
      expect(first.response.status).toBe(200);
      const second = await ask(paraphrase);
      expect(hitOf(second)).toBeNull();
      expect(second.data.choices[0]!.message.content).toContain(paraphrase);
      const stream = await openai.chat.completions.create({
        model: "gpt-4o",
        stream: true,
        messages: [{ role: "user", content: `${paraphrase} (streamed)` }],
      });
      let streamed = "";
      for await (const chunk of stream) streamed += chunk.choices[0]?.delta?.content ?? "";
      expect(streamed).toContain("(streamed)");
      expect(chatCalls() - before).toBe(3);
      // The exact cache does not need the embedder: an identical request still hits.
      expect(hitOf(await ask(question))).toBe("True");
      expect(chatCalls() - before).toBe(3);
    } finally {
      embeddings.failing = false;
    }
  });

  it("an embedding model that is not in model_list is a start error naming it", async () => {
    const started = startTestGateway({ config: semanticConfig(THRESHOLD, "no-such-embedder") });
    await expect(started).rejects.toThrow(/"no-such-embedder" is not a model_name in model_list/);
  }, 120_000);
});
