import type { FakeResponse } from "../fake-server/fake-response.ts";
import { json } from "../fake-server/json.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import type { ReplyOptions } from "../fake-server/reply.ts";
import { fakeTokenPieces } from "../openai/fake-tokens.ts";
import { exampleArgs } from "./example-args.ts";
import { geminiJsonArrayStream, geminiSse } from "./gemini-sse.ts";
import { fakeThoughtSignature, geminiResponseId } from "./gemini-ids.ts";
import {
  geminiResponse,
  type GeminiCandidateSpec,
  type GeminiFunctionCallSpec,
} from "./gemini-response.ts";
import { googleError } from "./google-error.ts";
import {
  missingThoughtSignature,
  readGenerateRequest,
  type GenerateRequestInfo,
} from "./read-generate-request.ts";

export interface GenerateContentResponderOptions {
  /** The answer text; defaults to `echo: <last user text>` (or the tool results handed back). */
  reply?: (body: Record<string, unknown>) => string;
  /** Timing and write-splitting for streamed answers. */
  stream?: Pick<ReplyOptions, "delayMs" | "firstByteDelayMs" | "splitWrites">;
  /** Vertex AI answers carry `createTime`. */
  flavor?: "gemini" | "vertex";
}

export interface GenerateCall {
  model: string;
  stream: boolean;
  /** `alt=sse` was in the query: SSE framing instead of a JSON array. */
  sse: boolean;
}

/**
 * A realistic `generateContent` / `streamGenerateContent` answer:
 * - with function declarations (mode not NONE), a prompt naming one or more declared functions
 *   gets calls to them (mode ANY: to the allowed ones even when not named), with arguments made
 *   from the schema; a turn of tool results gets a text answer echoing them;
 * - otherwise the reply text, cut at `stopSequences` (STOP) or `maxOutputTokens` (MAX_TOKENS),
 *   wrapped as `{"echo": ...}` when JSON output was asked for;
 * - `includeThoughts` adds a thought part; `candidateCount` repeats the candidate;
 * - Gemini 3 models (and thinking requests) sign the first function call, and Gemini 3 rejects a
 *   replayed current-turn call without its signature, as the real API does.
 * Streams send one event per fake token, usage (cumulative) in every event, `finishReason` on
 * the last, CRLF framing; without `alt=sse` the stream is a JSON array.
 */
export function generateContentResponder(
  call: GenerateCall,
  options: GenerateContentResponderOptions = {},
) {
  return (req: RecordedRequest): FakeResponse => {
    const info = readGenerateRequest(req.json);
    if ("kind" in info) return info;
    const gemini3 = Number(/gemini-(\d+)/.exec(call.model)?.[1] ?? 0) >= 3;
    if (gemini3) {
      const unsigned = missingThoughtSignature(info.contents);
      if (unsigned !== undefined) {
        return googleError(400, {
          message: `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly, and missing thought_signature may lead to degraded model performance. Additional data, function call \`default_api:${unsigned}\` , position 2. Please refer to https://ai.google.dev/gemini-api/docs/thought-signatures for more details.`,
        });
      }
    }

    const calls = functionCallsFor(info, gemini3 || info.includeThoughts);
    const thought = info.includeThoughts
      ? "**Reading the request**\n\nWorking out what is asked."
      : undefined;
    const thoughtTokens = thought === undefined ? undefined : fakeTokenPieces(thought).length;
    const responseId = geminiResponseId();
    const base = {
      modelVersion: call.model,
      responseId,
      ...(options.flavor === "vertex" ? { createTime: new Date().toISOString() } : {}),
    };

    if (calls.length > 0) {
      const candidate: GeminiCandidateSpec = { functionCalls: calls, finishReason: "STOP" };
      const usage = {
        prompt: info.promptTokens,
        candidates: 10 * calls.length,
        ...(thoughtTokens === undefined ? {} : { thoughts: thoughtTokens }),
      };
      if (!call.stream)
        return json(
          geminiResponse({
            ...base,
            ...candidate,
            ...(thought === undefined ? {} : { thought }),
            usage,
          }),
        );
      const events = [
        ...(thought === undefined
          ? []
          : [geminiResponse({ ...base, thought, usage: { prompt: info.promptTokens } })]),
        geminiResponse({ ...base, ...candidate, usage }),
      ];
      return streamed(call, events, options);
    }

    const { pieces, finishReason } = answerPieces(info, options);
    const candidates = (
      text: string | undefined,
      finish: string | undefined,
    ): GeminiCandidateSpec[] =>
      Array.from({ length: info.candidateCount }, (_, index) => ({
        index,
        ...(text === undefined ? {} : { text }),
        ...(finish === undefined ? {} : { finishReason: finish }),
      }));
    const total = pieces.length * info.candidateCount;
    const finalUsage = {
      prompt: info.promptTokens,
      candidates: total,
      ...(thoughtTokens === undefined ? {} : { thoughts: thoughtTokens }),
    };

    if (!call.stream) {
      const whole = candidates(pieces.join(""), finishReason).map((c) =>
        thought === undefined ? c : { ...c, thought },
      );
      return json(geminiResponse({ ...base, candidates: whole, usage: finalUsage }));
    }
    const events: object[] = [];
    if (thought !== undefined)
      events.push(geminiResponse({ ...base, thought, usage: { prompt: info.promptTokens } }));
    const sent = pieces.length === 0 ? [""] : pieces;
    sent.forEach((piece, i) => {
      const last = i === sent.length - 1;
      events.push(
        geminiResponse({
          ...base,
          candidates: candidates(piece, last ? finishReason : undefined),
          usage: last
            ? finalUsage
            : { prompt: info.promptTokens, candidates: (i + 1) * info.candidateCount },
        }),
      );
    });
    return streamed(call, events, options);
  };
}

function streamed(
  call: GenerateCall,
  events: object[],
  options: GenerateContentResponderOptions,
): FakeResponse {
  return call.sse
    ? geminiSse(events, options.stream)
    : geminiJsonArrayStream(events, options.stream);
}

function functionCallsFor(info: GenerateRequestInfo, sign: boolean): GeminiFunctionCallSpec[] {
  if (info.declarations.length === 0 || info.mode === "NONE" || info.functionResponses.length > 0)
    return [];
  const allowed =
    info.mode === "ANY" && info.allowedFunctionNames !== undefined
      ? info.declarations.filter((fn) => info.allowedFunctionNames?.includes(fn.name))
      : info.declarations;
  let chosen = allowed.filter((fn) => info.lastUserText.includes(fn.name));
  if (chosen.length === 0 && info.mode === "ANY") chosen = allowed.slice(0, 1);
  return chosen.map((fn, i) => {
    const args = fn.parameters === undefined ? undefined : exampleArgs(fn.parameters);
    return {
      name: fn.name,
      ...(args === undefined || Object.keys(args).length === 0 ? {} : { args }),
      // Only the first call of a parallel batch carries the signature.
      ...(sign && i === 0 ? { thoughtSignature: fakeThoughtSignature(fn.name) } : {}),
    };
  });
}

function answerPieces(
  info: GenerateRequestInfo,
  options: GenerateContentResponderOptions,
): { pieces: string[]; finishReason: string } {
  let text =
    options.reply?.(info.body) ??
    (info.functionResponses.length > 0
      ? `echo: ${info.functionResponses.map((r) => `${r.name} ${JSON.stringify(r.response)}`).join("; ")}`
      : `echo: ${info.lastUserText}`);
  if (info.jsonOutput) text = JSON.stringify({ echo: text });
  for (const stop of info.stopSequences) {
    const at = stop === "" ? -1 : text.indexOf(stop);
    if (at !== -1) text = text.slice(0, at);
  }
  let pieces = fakeTokenPieces(text);
  if (info.maxOutputTokens !== undefined && pieces.length > info.maxOutputTokens) {
    pieces = pieces.slice(0, info.maxOutputTokens);
    return { pieces, finishReason: "MAX_TOKENS" };
  }
  return { pieces, finishReason: "STOP" };
}
