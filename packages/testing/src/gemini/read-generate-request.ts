import type { FakeReply } from "../fake-server/fake-response.ts";
import { fakeTokenCount } from "../openai/fake-tokens.ts";
import { googleError } from "./google-error.ts";
import { isRecord } from "../fake-server/is-record.ts";

type Json = Record<string, unknown>;

export interface FunctionDeclarationInfo {
  name: string;
  parameters?: Json;
}

/** What the default responder needs from a `generateContent` body. */
export interface GenerateRequestInfo {
  body: Json;
  contents: Json[];
  /** Text of the last user turn that has text (the prompt the fake answers). */
  lastUserText: string;
  /** `functionResponse` parts of the last turn: the model is being handed tool results. */
  functionResponses: { name: string; response: unknown }[];
  declarations: FunctionDeclarationInfo[];
  /** `toolConfig.functionCallingConfig`. */
  mode: string;
  allowedFunctionNames: string[] | undefined;
  maxOutputTokens: number | undefined;
  candidateCount: number;
  stopSequences: string[];
  jsonOutput: boolean;
  includeThoughts: boolean;
  /** Fake token count of every text part sent (system instruction included). */
  promptTokens: number;
}

/**
 * Reads and validates a `generateContent` body the way the real API does for the mistakes an
 * adapter can make: contents missing or empty, a turn without parts, an empty text part, a role
 * other than user/model, a `functionResponse.response` that is not an object. Each gets a 400
 * INVALID_ARGUMENT in Google's shape, so adapter bugs surface as they would in production.
 */
export function readGenerateRequest(body: unknown): GenerateRequestInfo | FakeReply {
  if (!isRecord(body))
    return invalid(
      'Invalid JSON payload received. Unknown name "": Root element must be a message.',
    );
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return invalid("* GenerateContentRequest.contents: contents is not specified\n");
  }
  let promptTokens = 0;
  for (const [i, content] of contents.entries()) {
    if (!isRecord(content)) return invalid(`Invalid value at 'contents[${i}]'`);
    const role = content.role;
    if (role !== undefined && role !== "user" && role !== "model") {
      return invalid(`Please use a valid role: user, model.`);
    }
    const parts = content.parts;
    if (!Array.isArray(parts) || parts.length === 0) {
      return invalid(
        `* GenerateContentRequest.contents[${i}].parts: contents.parts must not be empty.\n`,
      );
    }
    for (const [j, part] of parts.entries()) {
      if (!isRecord(part)) return invalid(`Invalid value at 'contents[${i}].parts[${j}]'`);
      if (part.text === "") {
        return invalid(
          "Unable to submit request because it has an empty text parameter. Add a value to the parameter and try again.",
        );
      }
      if (typeof part.text === "string") promptTokens += fakeTokenCount(part.text);
      const response = isRecord(part.functionResponse) ? part.functionResponse.response : undefined;
      if (part.functionResponse !== undefined && !isRecord(response)) {
        return invalid(
          `Invalid value at 'contents[${i}].parts[${j}].function_response.response' (type.googleapis.com/google.protobuf.Struct), "${String(response)}"`,
        );
      }
    }
  }
  const system = body.systemInstruction;
  if (isRecord(system) && Array.isArray(system.parts)) {
    for (const part of system.parts)
      if (isRecord(part) && typeof part.text === "string")
        promptTokens += fakeTokenCount(part.text);
  }

  const config = isRecord(body.generationConfig) ? body.generationConfig : {};
  const calling =
    isRecord(body.toolConfig) && isRecord(body.toolConfig.functionCallingConfig)
      ? body.toolConfig.functionCallingConfig
      : {};
  const last = contents.at(-1) as Json;
  return {
    body,
    contents: contents as Json[],
    lastUserText: lastUserText(contents as Json[]),
    functionResponses: partsOf(last).flatMap((part) =>
      isRecord(part.functionResponse)
        ? [{ name: String(part.functionResponse.name), response: part.functionResponse.response }]
        : [],
    ),
    declarations: declarationsOf(body.tools),
    mode: typeof calling.mode === "string" ? calling.mode : "AUTO",
    allowedFunctionNames: Array.isArray(calling.allowedFunctionNames)
      ? calling.allowedFunctionNames.map(String)
      : undefined,
    maxOutputTokens:
      typeof config.maxOutputTokens === "number" ? config.maxOutputTokens : undefined,
    candidateCount: typeof config.candidateCount === "number" ? config.candidateCount : 1,
    stopSequences: Array.isArray(config.stopSequences) ? config.stopSequences.map(String) : [],
    jsonOutput: config.responseMimeType === "application/json",
    includeThoughts:
      isRecord(config.thinkingConfig) && config.thinkingConfig.includeThoughts === true,
    promptTokens,
  };
}

/**
 * Gemini 3 rejects a replayed model turn of the current exchange (after the last real user
 * message) whose first function call lacks its `thoughtSignature`.
 */
export function missingThoughtSignature(contents: readonly Json[]): string | undefined {
  let start = 0;
  contents.forEach((content, i) => {
    if (content.role !== "model" && partsOf(content).some((part) => typeof part.text === "string"))
      start = i + 1;
  });
  for (const content of contents.slice(start)) {
    if (content.role !== "model") continue;
    const first = partsOf(content).find((part) => isRecord(part.functionCall));
    if (
      first !== undefined &&
      (typeof first.thoughtSignature !== "string" || first.thoughtSignature === "")
    ) {
      return String((first.functionCall as Json).name);
    }
  }
  return undefined;
}

function lastUserText(contents: readonly Json[]): string {
  for (let i = contents.length - 1; i >= 0; i--) {
    const content = contents[i] as Json;
    if (content.role === "model") continue;
    const texts = partsOf(content).flatMap((part) =>
      typeof part.text === "string" && part.thought !== true ? [part.text] : [],
    );
    if (texts.length > 0) return texts.join(" ");
  }
  return "";
}

function declarationsOf(tools: unknown): FunctionDeclarationInfo[] {
  if (!Array.isArray(tools)) return [];
  return tools.flatMap((tool) =>
    isRecord(tool) && Array.isArray(tool.functionDeclarations)
      ? tool.functionDeclarations.flatMap((fn) =>
          isRecord(fn) && typeof fn.name === "string"
            ? [{ name: fn.name, ...(isRecord(fn.parameters) ? { parameters: fn.parameters } : {}) }]
            : [],
        )
      : [],
  );
}

function partsOf(content: Json): Json[] {
  return Array.isArray(content.parts) ? content.parts.filter(isRecord) : [];
}

function invalid(message: string): FakeReply {
  return googleError(400, { message });
}
