import {
  chatCompletionsFormat,
  UpstreamError,
  type ChatCompletionRequest,
  type ChatStreamPart,
} from "@org/core";
import { describe, expect, it } from "vitest";
import { streamPump } from "./stream-pump.ts";

const REQUEST: ChatCompletionRequest = { model: "m", messages: [], stream: true };
const chat = () => ({
  format: chatCompletionsFormat,
  encoder: chatCompletionsFormat.createStreamEncoder(REQUEST),
});

const CHUNK = {
  id: "c",
  object: "chat.completion.chunk" as const,
  created: 0,
  model: "m",
  choices: [{ index: 0, delta: { content: "hi" }, finish_reason: null }],
};

const bytes = (text: string) => new TextEncoder().encode(text);

async function* parts(raws: string[]): AsyncGenerator<ChatStreamPart> {
  for (const raw of raws) yield { chunks: [], raw: bytes(raw) };
}

/** Reads `stream` until `beforeEnd` is reached; returns the text the client had by then. */
async function textBeforeEnd(raws: string[]) {
  let reachedEnd!: () => void;
  const atEnd = new Promise<void>((resolve) => (reachedEnd = resolve));
  let journal!: () => void;
  const journaled = new Promise<void>((resolve) => (journal = resolve));
  const stream = streamPump({
    ...chat(),
    parts: parts(raws),
    passthrough: true,
    beforeEnd: () => {
      reachedEnd();
      return journaled;
    },
  });
  const reader = stream.getReader();
  let text = "";
  const reading = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      text += new TextDecoder().decode(value);
    }
  })();
  await atEnd;
  // Let every byte already enqueued reach the reader.
  await new Promise((resolve) => setTimeout(resolve, 20));
  const before = text;
  journal();
  await reading;
  return { before, after: text };
}

// Clients stop at [DONE] (the Python SDK closes the response there): a passthrough stream must
// not relay the upstream's [DONE] before the request's spend is journaled, or a crash in between
// loses the spend of an answer the client already has.
describe("streamPump passthrough", () => {
  it("holds the upstream's [DONE] until beforeEnd resolves, bytes unchanged", async () => {
    const raws = ['data: {"a":1}\n\n', 'data: {"usage":2}\n\ndata: [DONE]\n\n'];
    const { before, after } = await textBeforeEnd(raws);
    expect(before).toBe('data: {"a":1}\n\ndata: {"usage":2}\n\n');
    expect(after).toBe(raws.join(""));
  });

  it("holds a [DONE] that arrives in a read of its own", async () => {
    const raws = ['data: {"a":1}\n\n', "data: [DONE]\n\n", "\n"];
    const { before, after } = await textBeforeEnd(raws);
    expect(before).toBe('data: {"a":1}\n\n');
    expect(after).toBe(raws.join(""));
  });
});

describe("streamPump failure", () => {
  it("ends with the error event after the spend is journaled, and no [DONE]", async () => {
    async function* failing(): AsyncGenerator<ChatStreamPart> {
      yield { chunks: [], raw: bytes('data: {"a":1}\n\n') };
      throw new UpstreamError("upstream broke");
    }
    const order: string[] = [];
    const stream = streamPump({
      ...chat(),
      parts: failing(),
      passthrough: true,
      beforeEnd: async () => {
        order.push("journaled");
      },
      onClose: () => order.push("closed"),
    });
    const text = await new Response(stream).text();
    const error = new UpstreamError("upstream broke").toJSON();
    expect(text).toBe(`data: {"a":1}\n\ndata: ${JSON.stringify(error)}\n\n`);
    expect(order).toEqual(["journaled", "closed"]);
  });
});

describe("streamPump when the format's own encoding fails", () => {
  it("stops the upstream read, settles, and closes once", async () => {
    let returned = false;
    const upstream: AsyncIterable<ChatStreamPart> = {
      [Symbol.asyncIterator]() {
        return {
          next: async () => ({ done: false, value: { chunks: [CHUNK] } }),
          return: async () => {
            returned = true;
            return { done: true, value: undefined };
          },
        };
      },
    };
    const order: string[] = [];
    const stream = streamPump({
      format: chatCompletionsFormat,
      encoder: {
        encode: () => {
          throw new TypeError("encoder bug");
        },
        finish: () => [],
        fail: (error) => [chatCompletionsFormat.errorBody(error)],
      },
      parts: upstream,
      passthrough: false,
      beforeEnd: async () => {
        // The request settles only once its upstream read has ended.
        order.push(returned ? "journaled after upstream ended" : "journaled too early");
      },
      onClose: () => order.push("closed"),
    });
    const text = await new Response(stream).text();
    expect(text).toContain('"type":"internal_server_error"');
    expect(returned).toBe(true);
    expect(order).toEqual(["journaled after upstream ended", "closed"]);
  });
});

describe("streamPump: one write per upstream read", () => {
  it("a part that completes several events goes out as one chunk of bytes, framed as before", async () => {
    async function* threeAtOnce(): AsyncGenerator<ChatStreamPart> {
      yield {
        chunks: [
          CHUNK,
          { ...CHUNK, choices: [{ index: 0, delta: { content: " there" }, finish_reason: null }] },
          { ...CHUNK, choices: [{ index: 0, delta: {}, finish_reason: "stop" as const }] },
        ],
      };
    }
    const stream = streamPump({ ...chat(), parts: threeAtOnce(), passthrough: false });
    const reads: string[] = [];
    const reader = stream.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      reads.push(new TextDecoder().decode(read.value));
    }
    // The three events in one read (one socket write), then the end marker in its own.
    const events = reads[0]!.split("\n\n").filter((frame) => frame !== "");
    expect(events).toHaveLength(3);
    for (const frame of events) expect(frame).toMatch(/^data: \{/);
    expect(JSON.parse(events[1]!.slice("data: ".length)).choices[0].delta.content).toBe(" there");
    expect(reads.at(-1)).toBe("data: [DONE]\n\n");
    expect(reads).toHaveLength(2);
  });
});
