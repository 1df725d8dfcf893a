import type {
  CallChatOptions,
  CallEmbeddingOptions,
  ChatCallResult,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionRequest,
  ChatStreamPart,
  EmbeddingCallResult,
  GatewayError,
  Usage,
} from "@org/core";
import type { ModelListEntry } from "../config/model-list.ts";
import { fakeCallDeadline } from "./fake-call-deadline.ts";

/** A manual clock for state-store and strategy tests. */
export function manualClock(start = Date.UTC(2025, 0, 1, 12, 0, 0)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
    set(ms: number) {
      now = ms;
    },
  };
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function seededRandom(seed = 42): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function usage(prompt = 10, completion = 5): Usage {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
  };
}

export function completion(
  text: string,
  model = "upstream-model",
  u: Usage | undefined = usage(),
): ChatCompletion {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 1,
    model,
    choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
    ...(u === undefined ? {} : { usage: u }),
  };
}

export function chunk(
  content: string | null,
  extra: Partial<ChatCompletionChunk> = {},
): ChatCompletionChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 1,
    model: "upstream-model",
    choices:
      content === null
        ? []
        : [{ index: 0, delta: { role: "assistant", content }, finish_reason: null }],
    ...extra,
  };
}

export function chatRequest(
  model: string,
  extra: Partial<ChatCompletionRequest> = {},
): ChatCompletionRequest {
  return { model, messages: [{ role: "user", content: "hello there" }], ...extra };
}

export function entry(
  modelName: string,
  model: string,
  params: Partial<ModelListEntry["litellm_params"]> = {},
  modelInfo?: ModelListEntry["model_info"],
): ModelListEntry {
  return {
    model_name: modelName,
    litellm_params: { model, ...params },
    ...(modelInfo === undefined ? {} : { model_info: modelInfo }),
  };
}

/** What a fake deployment does on one call. */
export type Behaviour =
  | { ok: string; usage?: Usage }
  | { error: GatewayError }
  /** Streams these texts, one part each, then a usage chunk; `failAfter` throws after that many parts. */
  | { stream: string[]; usage?: Usage; failAfter?: number; failWith?: GatewayError; gapMs?: number }
  /** Never answers (until aborted). */
  | { hang: true }
  /** Streams that never send a first chunk (until aborted). */
  | { hangStream: true };

export interface FakeCall {
  model: string;
  apiBase: string | undefined;
  request: ChatCompletionRequest;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  streamTimeoutMs: number | undefined;
}

/**
 * A callChat whose behaviour is scripted per provider model ("gpt-a"): a list consumed call by
 * call (the last entry repeats). Records every call.
 */
export function fakeCallChat(script: Record<string, Behaviour[]>) {
  const calls: FakeCall[] = [];
  const counters = new Map<string, number>();
  const callChat = async (o: CallChatOptions): Promise<ChatCallResult> => {
    const model = o.deployment.model;
    calls.push({
      model,
      apiBase: o.deployment.apiBase,
      request: o.request,
      signal: o.signal,
      timeoutMs: o.timeoutMs,
      streamTimeoutMs: o.streamTimeoutMs,
    });
    const list = script[model];
    if (list === undefined || list.length === 0) throw new Error(`no script for ${model}`);
    const n = counters.get(model) ?? 0;
    counters.set(model, n + 1);
    const behaviour = list[Math.min(n, list.length - 1)]!;
    const deadline = fakeCallDeadline(o);
    await Promise.resolve();
    if ("ok" in behaviour) {
      deadline.done();
      return {
        kind: "response",
        completion: completion(behaviour.ok, model, behaviour.usage ?? usage()),
        upstreamHeaders: {},
      };
    }
    if ("error" in behaviour) {
      deadline.done();
      throw behaviour.error;
    }
    if ("hang" in behaviour) return untilAborted(deadline.signal);
    const parts = deadline.parts(
      "hangStream" in behaviour
        ? hangingParts(deadline.signal)
        : streamParts(behaviour, deadline.signal),
    );
    return { kind: "stream", parts, passthrough: false, upstreamHeaders: {} };
  };
  return {
    callChat,
    calls,
    countFor: (model: string) => calls.filter((c) => c.model === model).length,
  };
}

export function fakeCallEmbedding() {
  const calls: CallEmbeddingOptions[] = [];
  const callEmbedding = async (o: CallEmbeddingOptions): Promise<EmbeddingCallResult> => {
    calls.push(o);
    return {
      response: {
        object: "list",
        data: [{ object: "embedding", index: 0, embedding: [0.1, 0.2] }],
        model: o.deployment.model,
        usage: { prompt_tokens: 3, total_tokens: 3 },
      },
      upstreamHeaders: {},
    };
  };
  return { callEmbedding, calls };
}

function untilAborted<T>(signal: AbortSignal | undefined): Promise<T> {
  return new Promise<T>((_, reject) => {
    signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function hangingParts(signal: AbortSignal | undefined): AsyncIterable<ChatStreamPart> {
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => untilAborted<IteratorResult<ChatStreamPart>>(signal),
      return: async () => ({ value: undefined, done: true }),
    }),
  };
}

function streamParts(
  b: {
    stream: string[];
    usage?: Usage;
    failAfter?: number;
    failWith?: GatewayError;
    gapMs?: number;
  },
  signal: AbortSignal | undefined,
): AsyncIterable<ChatStreamPart> {
  return {
    async *[Symbol.asyncIterator]() {
      let sent = 0;
      for (const text of b.stream) {
        if (b.failAfter !== undefined && sent === b.failAfter) throw b.failWith;
        if (b.gapMs !== undefined && sent > 0) await delay(b.gapMs, signal);
        yield { chunks: [chunk(text)] };
        sent++;
      }
      if (b.failAfter !== undefined && sent === b.failAfter) throw b.failWith;
      yield {
        chunks: [
          chunk(null, { choices: [{ index: 0, delta: {}, finish_reason: "stop" }] }),
          chunk(null, { usage: b.usage ?? usage() }),
        ],
      };
    },
  };
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Collects a stream's text; rethrows its error. */
export async function readStream(parts: AsyncIterable<ChatStreamPart>): Promise<string> {
  let text = "";
  for await (const part of parts) {
    for (const c of part.chunks) for (const choice of c.choices) text += choice.delta.content ?? "";
  }
  return text;
}

export const noTransport = {
  send: async () => {
    throw new Error("unit tests do not use the transport");
  },
  close: async () => {},
};
