import {
  embeddingToBase64,
  fakeEmbedding,
  json,
  openaiError,
  routes,
  startFakeServer,
  type FakeServer,
  type RecordedRequest,
} from "@org/testing";

/** Weight of a text's own perturbation against its topic's unit vector. */
const PERTURBATION = 0.1;

export interface TopicEmbeddings {
  readonly server: FakeServer;
  /** `${server.url}/v1`, a deployment's api_base. */
  readonly apiBase: string;
  /**
   * Registers sentences that mean the same (one new topic) and returns them. A text containing
   * one of them embeds close to the others (cosine about 0.99, never exactly 1); any other text
   * gets a topic of its own, far from every other (cosine about 0 at 64 dimensions).
   */
  paraphrases<const T extends readonly string[]>(...sentences: T): T;
  /** While true, every embeddings request is answered 500. */
  failing: boolean;
  /** Embeddings requests received so far. */
  calls(): number;
  close(): Promise<void>;
}

/**
 * A fake OpenAI embeddings upstream for the semantic cache: vectors put paraphrases close and
 * different questions far, as a real embedding model does, so a test can say which prompts
 * "mean the same". The semantic cache embeds the conversation as `role: text` lines; a
 * registered sentence anywhere in the input decides its topic.
 */
export async function startTopicEmbeddings(dimensions = 64): Promise<TopicEmbeddings> {
  const topicOf = new Map<string, number>();
  let nextTopic = 0;

  const vectorFor = (text: string): Float32Array => {
    let topic: string | undefined;
    for (const [sentence, id] of topicOf) if (text.includes(sentence)) topic = `topic:${id}`;
    const base = fakeEmbedding(topic ?? `text:${text}`, dimensions);
    const noise = fakeEmbedding(`noise:${text}`, dimensions);
    return base.map((value, i) => value + PERTURBATION * noise[i]!);
  };

  const embeddings = (req: RecordedRequest) => {
    if (state.failing)
      return openaiError(500, { message: "embeddings upstream is down", type: "server_error" });
    const body = req.json as { input: string | string[]; model: string; encoding_format?: string };
    const inputs = Array.isArray(body.input) ? body.input : [body.input];
    return json({
      object: "list",
      data: inputs.map((input, index) => {
        const vector = vectorFor(input);
        return {
          object: "embedding",
          index,
          embedding:
            body.encoding_format === "base64" ? embeddingToBase64(vector) : Array.from(vector),
        };
      }),
      model: body.model,
      usage: { prompt_tokens: 8 * inputs.length, total_tokens: 8 * inputs.length },
    });
  };

  const server = await startFakeServer(
    routes({ "POST /v1/embeddings": embeddings, "POST /embeddings": embeddings }),
  );
  const state: TopicEmbeddings = {
    server,
    apiBase: `${server.url}/v1`,
    failing: false,
    paraphrases(...sentences) {
      const id = nextTopic++;
      for (const sentence of sentences) topicOf.set(sentence, id);
      return sentences;
    },
    calls: () => server.callCount(),
    close: () => server.close(),
  };
  return state;
}
