import type { Transport, TransportResponse } from "@org/core";

const COMPLETION = JSON.stringify({
  id: "chatcmpl-scale",
  object: "chat.completion",
  created: 1_700_000_000,
  model: "gpt-4o-mini",
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: "The quick brown fox jumps over the lazy dog." },
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 12, completion_tokens: 10, total_tokens: 22 },
});
const BYTES = new TextEncoder().encode(COMPLETION);

/**
 * An upstream that answers every call at once with the same chat completion, in this process:
 * the scale measurements compare the gateway's own work across sizes, so no socket, no undici
 * and no other process's scheduling enter the figures.
 */
export const memoryTransport: Transport = {
  async send(): Promise<TransportResponse> {
    return {
      status: 200,
      headers: { "content-type": "application/json" },
      body: (async function* () {
        yield BYTES;
      })(),
      text: async () => COMPLETION,
      dump: async () => {},
    };
  },
  async close() {},
};

export const chatBody = (model: string) => ({
  model,
  messages: [{ role: "user" as const, content: "Say the sentence about the fox." }],
});
