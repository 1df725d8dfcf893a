import type { ChatCompletionChunk, ToolCallDelta } from "../../openai/chat-chunk.ts";
import type { FinishReason, Usage } from "../../openai/chat-response.ts";
import type { ResponseIds } from "./response-ids.ts";
import {
  createResponseObject,
  type ResponseItemStatus,
  type ResponseError,
  type ResponseFunctionCall,
  type ResponseObject,
  type ResponseObjectFields,
  type ResponseOutputItem,
  type ResponseOutputMessage,
  type ResponseOutputRefusal,
  type ResponseOutputText,
  type ResponseReasoningItem,
} from "./response-object.ts";
import { toResponseStatus } from "./response-status.ts";
import type { ResponsesRequest } from "./responses-request.ts";
import type { ResponsesStreamEvent } from "./responses-stream-event.ts";
import { toResponsesUsage } from "./responses-usage.ts";

/** What the gateway knows about a failure in the middle of a stream (its error envelope). */
export interface ResponsesStreamError {
  type: string;
  code: string | null;
  message: string;
  param: string | null;
}

export interface ResponsesStreamEncoder {
  /**
   * The events one chat chunk completes (often one delta, sometimes none). The first call also
   * emits `response.created` and `response.in_progress`.
   */
  encode(chunk: ChatCompletionChunk): ResponsesStreamEvent[];
  /**
   * Ends the response when the chat stream ends: closes the open item, then
   * `response.completed` (or `response.incomplete` after `finish_reason: "length"`) with the
   * whole output and the usage of the final usage chunk.
   */
  finish(): ResponsesStreamEvent[];
  /** A failure mid-stream: `response.failed`, then an `error` event. Nothing follows them. */
  fail(error: ResponsesStreamError): ResponsesStreamEvent[];
}

type OpenItem =
  | { kind: "message"; item: ResponseOutputMessage; index: number; part: OpenPart | undefined }
  | { kind: "reasoning"; item: ResponseReasoningItem; index: number }
  | { kind: "tool"; item: ResponseFunctionCall; index: number; key: number };

type OpenPart =
  | { kind: "text"; part: ResponseOutputText; contentIndex: number }
  | { kind: "refusal"; part: ResponseOutputRefusal; contentIndex: number };

interface ToolState {
  callId: string;
  name: string;
  /** Arguments received while the call waits for the open call to finish. */
  args: string;
  state: "pending" | "open" | "closed";
}

/** An event before its sequence number is assigned (Omit distributed over the union). */
type EventBody = ResponsesStreamEvent extends infer E
  ? E extends ResponsesStreamEvent
    ? Omit<E, "sequence_number">
    : never
  : never;

type OpenMessage = Extract<OpenItem, { kind: "message" }>;

/**
 * Chat chunks to Responses streaming events, in the order OpenAI emits them:
 * `response.created`, `response.in_progress`, then one output item at a time
 * (`output_item.added`, its content parts and deltas, `output_item.done`), then
 * `response.completed`. Reasoning, text and each tool call are separate items; an item is
 * closed when the next one starts. A tool call streams live while it is the open item; one
 * that starts while the open call's arguments are still incomplete JSON (upstreams that
 * interleave parallel calls) is buffered and sent whole when its turn comes.
 *
 * Only choice 0 is read: the Responses API has no `n`.
 */
export function createResponsesStreamEncoder(
  request: ResponsesRequest,
  ids: ResponseIds,
): ResponsesStreamEncoder {
  let sequence = 0;
  let started = false;
  let ended = false;
  let model = request.model;
  let serviceTier: string | null | undefined;
  let finishReason: FinishReason | null = null;
  let usage: Usage | undefined;
  const output: ResponseOutputItem[] = [];
  let open: OpenItem | undefined;
  const tools = new Map<number, ToolState>();

  // `type` and `sequence_number` first, as OpenAI orders them.
  const emit = ({ type, ...fields }: EventBody): ResponsesStreamEvent =>
    ({ type, sequence_number: sequence++, ...fields }) as ResponsesStreamEvent;

  const response = (fields: Omit<ResponseObjectFields, "model" | "service_tier">): ResponseObject =>
    createResponseObject(request, ids, {
      ...fields,
      model,
      service_tier: serviceTier,
      // Events are serialised later; items keep changing until the stream ends.
      output: structuredClone(fields.output),
    });

  const start = (chunk?: ChatCompletionChunk): ResponsesStreamEvent[] => {
    if (started) return [];
    started = true;
    if (chunk?.model) model = chunk.model;
    serviceTier = chunk?.service_tier;
    const created = response({ status: "in_progress", output: [], usage: null });
    return [
      emit({ type: "response.created", response: created }),
      emit({ type: "response.in_progress", response: structuredClone(created) }),
    ];
  };

  const addItem = (item: ResponseOutputItem): { index: number; event: ResponsesStreamEvent } => {
    const index = output.length;
    output.push(item);
    return {
      index,
      event: emit({
        type: "response.output_item.added",
        output_index: index,
        item: structuredClone(item),
      }),
    };
  };

  const itemDone = (index: number, item: ResponseOutputItem): ResponsesStreamEvent =>
    emit({ type: "response.output_item.done", output_index: index, item: structuredClone(item) });

  const closePart = (message: OpenMessage): ResponsesStreamEvent[] => {
    const open = message.part;
    if (open === undefined) return [];
    message.part = undefined;
    const where = {
      item_id: message.item.id,
      output_index: message.index,
      content_index: open.contentIndex,
    };
    const done =
      open.kind === "text"
        ? emit({ type: "response.output_text.done", ...where, text: open.part.text, logprobs: [] })
        : emit({ type: "response.refusal.done", ...where, refusal: open.part.refusal });
    return [
      done,
      emit({ type: "response.content_part.done", ...where, part: structuredClone(open.part) }),
    ];
  };

  const closeOpen = (status: ResponseItemStatus = "completed"): ResponsesStreamEvent[] => {
    const current = open;
    if (current === undefined) return [];
    open = undefined;
    const out: ResponsesStreamEvent[] = [];
    if (current.kind === "message") {
      out.push(...closePart(current));
      current.item.status = status;
    } else if (current.kind === "reasoning") {
      const part = current.item.content[0];
      if (part !== undefined) {
        const where = { item_id: current.item.id, output_index: current.index, content_index: 0 };
        out.push(
          emit({ type: "response.reasoning_text.done", ...where, text: part.text }),
          emit({ type: "response.content_part.done", ...where, part: structuredClone(part) }),
        );
      }
    } else {
      const tool = tools.get(current.key);
      if (tool) tool.state = "closed";
      current.item.status = status;
      out.push(
        emit({
          type: "response.function_call_arguments.done",
          item_id: current.item.id,
          output_index: current.index,
          name: current.item.name,
          arguments: current.item.arguments,
        }),
      );
    }
    out.push(itemDone(current.index, current.item));
    return out;
  };

  const openTool = (key: number, tool: ToolState): ResponsesStreamEvent[] => {
    tool.state = "open";
    const item: ResponseFunctionCall = {
      id: ids.itemId("fc"),
      type: "function_call",
      status: "in_progress",
      arguments: "",
      call_id: tool.callId,
      name: tool.name,
    };
    const { index, event } = addItem(item);
    open = { kind: "tool", item, index, key };
    const out = [event];
    if (tool.args !== "") out.push(...toolArguments(open, tool.args));
    tool.args = "";
    return out;
  };

  const toolArguments = (
    current: Extract<OpenItem, { kind: "tool" }>,
    fragment: string,
  ): ResponsesStreamEvent[] => {
    current.item.arguments += fragment;
    return [
      emit({
        type: "response.function_call_arguments.delta",
        item_id: current.item.id,
        output_index: current.index,
        delta: fragment,
      }),
    ];
  };

  /** Buffered calls go out whole, in index order, once nothing is open. */
  const flushPending = (
    status: ResponseItemStatus = "completed",
    except?: number,
  ): ResponsesStreamEvent[] => {
    const out: ResponsesStreamEvent[] = [];
    const pending = [...tools.entries()]
      .filter(([key, tool]) => tool.state === "pending" && key !== except)
      .sort(([a], [b]) => a - b);
    for (const [key, tool] of pending) out.push(...openTool(key, tool), ...closeOpen(status));
    return out;
  };

  /** Makes sure the open item is a message. */
  const openMessage = (): ResponsesStreamEvent[] => {
    if (open?.kind === "message") return [];
    const events = [...closeOpen(), ...flushPending()];
    const item: ResponseOutputMessage = {
      id: ids.itemId("msg"),
      type: "message",
      status: "in_progress",
      content: [],
      role: "assistant",
    };
    const { index, event } = addItem(item);
    events.push(event);
    open = { kind: "message", item, index, part: undefined };
    return events;
  };

  /** Makes sure the open item is a message whose open part is of `kind`. */
  const ensurePart = (kind: "text" | "refusal"): ResponsesStreamEvent[] => {
    const events = openMessage();
    const message = open as OpenMessage;
    if (message.part?.kind === kind) return events;
    events.push(...closePart(message));
    const contentIndex = message.item.content.length;
    const where = {
      item_id: message.item.id,
      output_index: message.index,
      content_index: contentIndex,
    };
    if (kind === "text") {
      const part: ResponseOutputText = {
        type: "output_text",
        annotations: [],
        logprobs: [],
        text: "",
      };
      message.item.content.push(part);
      message.part = { kind, part, contentIndex };
    } else {
      const part: ResponseOutputRefusal = { type: "refusal", refusal: "" };
      message.item.content.push(part);
      message.part = { kind, part, contentIndex };
    }
    events.push(
      emit({
        type: "response.content_part.added",
        ...where,
        part: structuredClone(message.part.part),
      }),
    );
    return events;
  };

  const onText = (delta: string): ResponsesStreamEvent[] => {
    const out = ensurePart("text");
    const message = open as OpenMessage;
    const part = message.part as Extract<OpenPart, { kind: "text" }>;
    part.part.text += delta;
    out.push(
      emit({
        type: "response.output_text.delta",
        item_id: message.item.id,
        output_index: message.index,
        content_index: part.contentIndex,
        delta,
        logprobs: [],
      }),
    );
    return out;
  };

  const onRefusal = (delta: string): ResponsesStreamEvent[] => {
    const out = ensurePart("refusal");
    const message = open as OpenMessage;
    const part = message.part as Extract<OpenPart, { kind: "refusal" }>;
    part.part.refusal += delta;
    out.push(
      emit({
        type: "response.refusal.delta",
        item_id: message.item.id,
        output_index: message.index,
        content_index: part.contentIndex,
        delta,
      }),
    );
    return out;
  };

  const onReasoning = (delta: string): ResponsesStreamEvent[] => {
    const out: ResponsesStreamEvent[] = [];
    if (open?.kind !== "reasoning") {
      out.push(...closeOpen(), ...flushPending());
      const item: ResponseReasoningItem = {
        id: ids.itemId("rs"),
        type: "reasoning",
        summary: [],
        content: [],
      };
      const { index, event } = addItem(item);
      const part = { type: "reasoning_text" as const, text: "" };
      item.content.push(part);
      open = { kind: "reasoning", item, index };
      out.push(
        event,
        emit({
          type: "response.content_part.added",
          item_id: item.id,
          output_index: index,
          content_index: 0,
          part: structuredClone(part),
        }),
      );
    }
    const current = open as Extract<OpenItem, { kind: "reasoning" }>;
    const part = current.item.content[0];
    if (part) part.text += delta;
    out.push(
      emit({
        type: "response.reasoning_text.delta",
        item_id: current.item.id,
        output_index: current.index,
        content_index: 0,
        delta,
      }),
    );
    return out;
  };

  const onToolDelta = (delta: ToolCallDelta): ResponsesStreamEvent[] => {
    const key = delta.index;
    const fragment = delta.function?.arguments ?? "";
    let tool = tools.get(key);
    if (tool === undefined) {
      tool = {
        callId: delta.id ?? ids.itemId("fc").replace(/^fc_/, "call_"),
        name: delta.function?.name ?? "",
        args: "",
        state: "pending",
      };
      tools.set(key, tool);
    } else if (tool.state === "pending") {
      // Loose upstreams may send the id or name after a first fragment; nothing is sent yet.
      if (delta.id) tool.callId = delta.id;
      if (delta.function?.name && tool.name === "") tool.name = delta.function.name;
    }

    if (open?.kind === "tool" && open.key === key) {
      return fragment === "" ? [] : toolArguments(open, fragment);
    }
    if (tool.state !== "pending") return []; // a closed call cannot grow; upstream misbehaved
    tool.args += fragment;
    // The open call is finished once its arguments are a complete JSON value; until then the
    // calls are interleaved and this one waits.
    if (open?.kind === "tool" && !isCompleteJson(open.item.arguments)) return [];
    return [...closeOpen(), ...flushPending("completed", key), ...openTool(key, tool)];
  };

  return {
    encode(chunk: ChatCompletionChunk): ResponsesStreamEvent[] {
      if (ended) return [];
      const out = start(chunk);
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices) {
        if (choice.index !== 0) continue;
        const delta = choice.delta;
        if (delta.reasoning_content) out.push(...onReasoning(delta.reasoning_content));
        if (delta.content) out.push(...onText(delta.content));
        if (delta.refusal) out.push(...onRefusal(delta.refusal));
        for (const call of delta.tool_calls ?? []) out.push(...onToolDelta(call));
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
      return out;
    },

    finish(): ResponsesStreamEvent[] {
      if (ended) return [];
      const out = start();
      const { status, incomplete_details } = toResponseStatus(finishReason);
      const itemStatus = status === "completed" ? "completed" : "incomplete";
      out.push(...closeOpen(itemStatus), ...flushPending(itemStatus));
      // A text answer always has a message, even an empty one, as in the non-streamed form.
      if (output.every((item) => item.type === "reasoning")) {
        out.push(...ensurePart("text"), ...closeOpen(itemStatus));
      }
      ended = true;
      const final = response({
        status,
        incomplete_details,
        output,
        usage: toResponsesUsage(usage),
      });
      out.push(
        emit({
          type: status === "completed" ? "response.completed" : "response.incomplete",
          response: final,
        }),
      );
      return out;
    },

    fail(error: ResponsesStreamError): ResponsesStreamEvent[] {
      if (ended) return [];
      const out = start();
      ended = true;
      // The open item stops where it is; no done events follow a failure.
      if (open !== undefined && open.kind !== "reasoning") open.item.status = "incomplete";
      const failure: ResponseError = {
        code: error.type === "rate_limit_error" ? "rate_limit_exceeded" : "server_error",
        message: error.message,
      };
      out.push(
        emit({
          type: "response.failed",
          response: response({
            status: "failed",
            error: failure,
            output,
            usage: toResponsesUsage(usage),
          }),
        }),
        emit({
          type: "error",
          code: error.code,
          message: error.message,
          param: error.param,
          error: { type: error.type, code: error.code, message: error.message, param: error.param },
        }),
      );
      return out;
    },
  };
}

function isCompleteJson(text: string): boolean {
  if (text.trim() === "") return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
