import type { FakeReply } from "../fake-server/fake-response.ts";
import { ndjson } from "../fake-server/ndjson.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import { joined, pieces, type OllamaAnswerSpec, type OllamaToolCallSpec } from "./ollama-answer.ts";

const DEFAULT_MODEL = "llama3.2";

/** Ollama timestamps: RFC 3339 with nanoseconds. */
function timestamp(at: number, nanos = 0): string {
  return new Date(at)
    .toISOString()
    .replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(nanos).padStart(6, "0")}Z`);
}

function toolCalls(calls: readonly OllamaToolCallSpec[]) {
  return calls.map((call, index) => ({
    ...(call.id === undefined ? {} : { id: call.id }),
    function: { index, name: call.name, arguments: call.arguments ?? {} },
  }));
}

/** The metrics of the final object; zero counts are left out (`omitempty`). */
function metrics(spec: OllamaAnswerSpec) {
  return {
    total_duration: 4883583458,
    load_duration: 1334875,
    ...(spec.promptEvalCount ? { prompt_eval_count: spec.promptEvalCount } : {}),
    prompt_eval_duration: 342546000,
    ...(spec.evalCount ? { eval_count: spec.evalCount } : {}),
    eval_duration: 4535599000,
  };
}

/** A non-streamed `/api/chat` body (`stream: false`). */
export function ollamaChatResponse(spec: OllamaAnswerSpec): Record<string, unknown> {
  const thinking = joined(spec.thinking);
  return {
    model: spec.model ?? DEFAULT_MODEL,
    created_at: timestamp(Date.now(), 123456),
    message: {
      role: "assistant",
      content: joined(spec.text),
      ...(thinking === "" ? {} : { thinking }),
      ...(spec.toolCalls?.length ? { tool_calls: toolCalls(spec.toolCalls) } : {}),
    },
    done_reason: spec.doneReason ?? "stop",
    done: true,
    ...metrics(spec),
  };
}

/**
 * The NDJSON objects of a streamed answer: `done: false` lines with thinking pieces, text
 * pieces and the tool calls (all in one line), then the `done: true` line with `done_reason`
 * and the metrics (empty content).
 */
export function ollamaChatLines(spec: OllamaAnswerSpec): Record<string, unknown>[] {
  const model = spec.model ?? DEFAULT_MODEL;
  const start = Date.now();
  let n = 0;
  const line = (message: Record<string, unknown>, done = false): Record<string, unknown> => ({
    model,
    created_at: timestamp(start + n, ++n),
    message: { role: "assistant", content: "", ...message },
    done,
  });
  const lines = [
    ...pieces(spec.thinking).map((thinking) => line({ thinking })),
    ...pieces(spec.text).map((content) => line({ content })),
  ];
  if (spec.toolCalls?.length) lines.push(line({ tool_calls: toolCalls(spec.toolCalls) }));
  lines.push({ ...line({}, true), done_reason: spec.doneReason ?? "stop", ...metrics(spec) });
  return lines;
}

/** A streamed answer as an `application/x-ndjson` reply. */
export function ollamaChatStream(spec: OllamaAnswerSpec, options: ReplyOptions = {}): FakeReply {
  return ndjson(ollamaChatLines(spec), options);
}
