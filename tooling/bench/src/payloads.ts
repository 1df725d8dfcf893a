/**
 * The fixed request and the fake upstream's fixed answers. Every benchmarked response is checked
 * against EXPECTED_CONTENT (non-streaming) or EXPECTED_STREAM_TEXT (streaming): a fast wrong
 * answer must not count as a served request.
 */

export const UPSTREAM_MODEL = "gpt-4o-mini";
/** The model name clients send; the gateway maps it to the fake, the peer and the floor ignore it. */
export const BENCH_MODEL = "bench-model";

/** A nonce in the content makes a substring check a checksum of the upstream's answer. */
export const EXPECTED_CONTENT = "bench-ok 7f3a9c: the quick brown fox jumps over the lazy dog";

export const STREAM_PIECES = [
  "bench-ok 7f3a9c:",
  " the quick brown fox",
  " jumps over",
  " the lazy dog",
];
export const EXPECTED_STREAM_TEXT = STREAM_PIECES.join("");
export const STREAM_FIRST_PIECE = STREAM_PIECES[0]!;

/** The gateway's cache-hit header (LiteLLM's): a correct answer with `True` counts as a hit. */
export const CACHE_HIT_HEADER = "x-litellm-cache-hit";

export function requestBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "Say the benchmark sentence." },
    ],
    max_tokens: 32,
    temperature: 0,
    ...(stream ? { stream: true } : {}),
  });
}

export const COMPLETION_JSON = JSON.stringify({
  id: "chatcmpl-bench",
  object: "chat.completion",
  created: 1_700_000_000,
  model: UPSTREAM_MODEL,
  choices: [
    {
      index: 0,
      message: { role: "assistant", content: EXPECTED_CONTENT, refusal: null },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 24, completion_tokens: 14, total_tokens: 38 },
  system_fingerprint: "fp_bench",
});

function chunk(delta: Record<string, unknown>, finishReason: string | null): string {
  const body = {
    id: "chatcmpl-bench",
    object: "chat.completion.chunk",
    created: 1_700_000_000,
    model: UPSTREAM_MODEL,
    system_fingerprint: "fp_bench",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(body)}\n\n`;
}

/** The stream's first two events (role, first piece): what a held stream sends before waiting. */
export const STREAM_SSE_HEAD =
  chunk({ role: "assistant", content: "" }, null) + chunk({ content: STREAM_PIECES[0] }, null);
/** The rest: the other pieces, the finish reason, [DONE]. */
export const STREAM_SSE_TAIL =
  STREAM_PIECES.slice(1)
    .map((piece) => chunk({ content: piece }, null))
    .join("") +
  chunk({}, "stop") +
  "data: [DONE]\n\n";
export const STREAM_SSE = STREAM_SSE_HEAD + STREAM_SSE_TAIL;

/** Concatenates `choices[0].delta.content` over an SSE body; `done` says whether [DONE] came. */
export function readStreamText(sse: string): { text: string; done: boolean } {
  let text = "";
  let done = false;
  for (const line of sse.split("\n")) {
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "[DONE]") {
      done = true;
      continue;
    }
    try {
      const parsed = JSON.parse(data) as { choices?: { delta?: { content?: unknown } }[] };
      const content = parsed.choices?.[0]?.delta?.content;
      if (typeof content === "string") text += content;
    } catch {
      // A malformed event leaves the text short, which fails the check.
    }
  }
  return { text, done };
}

/** True when a non-streaming body is a chat.completion carrying the upstream's content. */
export function isExpectedCompletion(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { choices?: { message?: { content?: unknown } }[] };
    return parsed.choices?.[0]?.message?.content === EXPECTED_CONTENT;
  } catch {
    return false;
  }
}
