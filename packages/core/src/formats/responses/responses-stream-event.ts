import type {
  ResponseObject,
  ResponseOutputItem,
  ResponseOutputRefusal,
  ResponseOutputText,
  ResponseReasoningText,
} from "./response-object.ts";

/**
 * The Responses streaming events this gateway emits. On the wire each one is
 * `event: <type>\ndata: <json>\n\n`; `sequence_number` counts from 0 within a response.
 */

interface Sequenced {
  sequence_number: number;
}

interface ItemLocation extends Sequenced {
  item_id: string;
  output_index: number;
}

interface PartLocation extends ItemLocation {
  content_index: number;
}

export interface ResponseLifecycleEvent extends Sequenced {
  type:
    | "response.created"
    | "response.in_progress"
    | "response.completed"
    | "response.incomplete"
    | "response.failed";
  response: ResponseObject;
}

export interface ResponsesOutputItemEvent extends Sequenced {
  type: "response.output_item.added" | "response.output_item.done";
  output_index: number;
  item: ResponseOutputItem;
}

export interface ResponsesContentPartEvent extends PartLocation {
  type: "response.content_part.added" | "response.content_part.done";
  part: ResponseOutputText | ResponseOutputRefusal | ResponseReasoningText;
}

export interface ResponsesOutputTextDeltaEvent extends PartLocation {
  type: "response.output_text.delta";
  delta: string;
  logprobs: unknown[];
}

export interface ResponsesOutputTextDoneEvent extends PartLocation {
  type: "response.output_text.done";
  text: string;
  logprobs: unknown[];
}

export interface ResponsesRefusalDeltaEvent extends PartLocation {
  type: "response.refusal.delta";
  delta: string;
}

export interface ResponsesRefusalDoneEvent extends PartLocation {
  type: "response.refusal.done";
  refusal: string;
}

export interface ResponsesReasoningTextDeltaEvent extends PartLocation {
  type: "response.reasoning_text.delta";
  delta: string;
}

export interface ResponsesReasoningTextDoneEvent extends PartLocation {
  type: "response.reasoning_text.done";
  text: string;
}

export interface ResponsesFunctionCallArgumentsDeltaEvent extends ItemLocation {
  type: "response.function_call_arguments.delta";
  delta: string;
}

export interface ResponsesFunctionCallArgumentsDoneEvent extends ItemLocation {
  type: "response.function_call_arguments.done";
  name: string;
  arguments: string;
}

/**
 * A stream-level error. OpenAI documents `code`, `message` and `param` at the top level, while
 * its live API nests them in `error` (which is what makes openai-node and openai-python raise
 * an APIError); both are sent so either kind of client sees the failure.
 */
export interface ResponsesErrorEvent extends Sequenced {
  type: "error";
  code: string | null;
  message: string;
  param: string | null;
  error: { type: string; code: string | null; message: string; param: string | null };
}

export type ResponsesStreamEvent =
  | ResponseLifecycleEvent
  | ResponsesOutputItemEvent
  | ResponsesContentPartEvent
  | ResponsesOutputTextDeltaEvent
  | ResponsesOutputTextDoneEvent
  | ResponsesRefusalDeltaEvent
  | ResponsesRefusalDoneEvent
  | ResponsesReasoningTextDeltaEvent
  | ResponsesReasoningTextDoneEvent
  | ResponsesFunctionCallArgumentsDeltaEvent
  | ResponsesFunctionCallArgumentsDoneEvent
  | ResponsesErrorEvent;
