import type { FakeReply } from "../fake-server/fake-response.ts";
import type { RecordedRequest } from "../fake-server/recorded-request.ts";
import { isRecord } from "../fake-server/is-record.ts";
import { ollamaError } from "./ollama-error.ts";

export interface OllamaChatCall {
  body: Record<string, unknown>;
  model: string;
  messages: Record<string, unknown>[];
  /** Ollama streams unless `stream` is `false`. */
  stream: boolean;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const THINK_LEVELS = new Set(["high", "medium", "low", "max"]);

/**
 * Validates a `POST /api/chat` body the way Ollama's server does (gin binding of
 * `api.ChatRequest`): Go's JSON errors for wrongly typed fields (images that are not base64,
 * tool-call arguments that are not an object), and the handler's own checks.
 */
export function readChatRequest(req: RecordedRequest): OllamaChatCall | FakeReply {
  if (req.body.trim() === "") return ollamaError(400, "missing request body");
  const body = req.json;
  if (!isRecord(body))
    return ollamaError(400, "invalid character 'x' looking for beginning of value");
  if (typeof body.model !== "string" || body.model === "")
    return ollamaError(400, "model is required");
  const messages = body.messages ?? [];
  if (!Array.isArray(messages) || !messages.every(isRecord)) {
    return ollamaError(
      400,
      "json: cannot unmarshal object into Go struct field ChatRequest.messages of type []api.Message",
    );
  }
  for (const message of messages) {
    if (message.content !== undefined && typeof message.content !== "string") {
      return ollamaError(
        400,
        "json: cannot unmarshal array into Go struct field Message.messages.content of type string",
      );
    }
    for (const image of Array.isArray(message.images) ? message.images : []) {
      if (typeof image !== "string" || !BASE64.test(image)) {
        const at =
          typeof image === "string" ? [...image].findIndex((c) => !/[A-Za-z0-9+/=]/.test(c)) : 0;
        return ollamaError(400, `illegal base64 data at input byte ${Math.max(at, 0)}`);
      }
    }
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      if (!isRecord(call) || !isRecord(call.function) || !isRecord(call.function.arguments ?? {})) {
        return ollamaError(
          400,
          "json: cannot unmarshal string into Go value of type map[string]interface {}",
        );
      }
    }
  }
  const think = body.think;
  if (
    think !== undefined &&
    typeof think !== "boolean" &&
    !(typeof think === "string" && THINK_LEVELS.has(think))
  ) {
    return ollamaError(
      400,
      `invalid think value: ${JSON.stringify(think)} (must be "high", "medium", "low", "max", true, or false)`,
    );
  }
  const format = body.format;
  if (format !== undefined && format !== "" && format !== "json" && !isRecord(format)) {
    return ollamaError(
      400,
      `invalid format: ${JSON.stringify(format)}; expected "json" or a valid JSON Schema`,
    );
  }
  return { body, model: body.model, messages, stream: body.stream !== false };
}
