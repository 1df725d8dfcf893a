import { geminiResponseId } from "./gemini-ids.ts";
import { geminiUsage, type GeminiUsageSpec } from "./gemini-usage.ts";

export interface GeminiFunctionCallSpec {
  name: string;
  /** Omitted from the wire when undefined, as Gemini does for argument-less calls. */
  args?: Record<string, unknown>;
  thoughtSignature?: string;
  id?: string;
}

export interface GeminiCandidateSpec {
  index?: number;
  /** Thought-summary text (`thought: true` part), sent before the answer. */
  thought?: string;
  text?: string;
  functionCalls?: readonly GeminiFunctionCallSpec[];
  /** Omit for an unfinished (streamed) candidate. */
  finishReason?: string;
}

export interface GeminiResponseSpec extends GeminiCandidateSpec {
  /** Several candidates (n > 1); replaces the single-candidate fields above. */
  candidates?: readonly GeminiCandidateSpec[];
  usage?: GeminiUsageSpec;
  /** Prompt blocked before generation: no candidates, `promptFeedback.blockReason`. */
  blockReason?: string;
  modelVersion?: string;
  responseId?: string;
  /** Vertex AI adds an RFC 3339 `createTime`. */
  createTime?: string;
}

/** One `GenerateContentResponse` (a whole answer, or one stream event). */
export function geminiResponse(spec: GeminiResponseSpec): Record<string, unknown> {
  const candidates =
    spec.blockReason !== undefined ? [] : (spec.candidates ?? [spec]).map(geminiCandidate);
  return {
    ...(candidates.length === 0 ? {} : { candidates }),
    ...(spec.blockReason === undefined
      ? {}
      : {
          promptFeedback: {
            blockReason: spec.blockReason,
            safetyRatings: [
              { category: "HARM_CATEGORY_SEXUALLY_EXPLICIT", probability: "NEGLIGIBLE" },
              { category: "HARM_CATEGORY_HATE_SPEECH", probability: "NEGLIGIBLE" },
              { category: "HARM_CATEGORY_HARASSMENT", probability: "NEGLIGIBLE" },
              { category: "HARM_CATEGORY_DANGEROUS_CONTENT", probability: "HIGH" },
            ],
          },
        }),
    ...(spec.usage === undefined ? {} : { usageMetadata: geminiUsage(spec.usage) }),
    modelVersion: spec.modelVersion ?? "gemini-2.0-flash",
    ...(spec.createTime === undefined ? {} : { createTime: spec.createTime }),
    responseId: spec.responseId ?? geminiResponseId(),
  };
}

function geminiCandidate(spec: GeminiCandidateSpec, position: number): Record<string, unknown> {
  const parts: Record<string, unknown>[] = [];
  if (spec.thought !== undefined) parts.push({ text: spec.thought, thought: true });
  if (spec.text !== undefined) parts.push({ text: spec.text });
  for (const call of spec.functionCalls ?? []) {
    parts.push({
      functionCall: {
        ...(call.id === undefined ? {} : { id: call.id }),
        name: call.name,
        ...(call.args === undefined ? {} : { args: call.args }),
      },
      ...(call.thoughtSignature === undefined ? {} : { thoughtSignature: call.thoughtSignature }),
    });
  }
  return {
    content: { parts, role: "model" },
    ...(spec.finishReason === undefined ? {} : { finishReason: spec.finishReason }),
    index: spec.index ?? position,
  };
}
