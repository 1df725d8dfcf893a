export interface SseEventFields {
  event?: string;
  id?: string;
  retry?: number;
}

/** Matches the blank line that ends an SSE event, in any of the three line-ending styles. */
const EVENT_TERMINATOR = /(?:\r\n\r\n|\n\n|\r\r)$/;

/**
 * Frames one SSE event as `[event: ..\n][id: ..\n][retry: ..\n]data: <line>\n...\n\n`. A payload
 * with newlines becomes several `data:` lines, which a parser joins back with `\n`.
 */
export function sseEvent(data: string, fields: SseEventFields = {}): string {
  let text = "";
  if (fields.event !== undefined) text += `event: ${fields.event}\n`;
  if (fields.id !== undefined) text += `id: ${fields.id}\n`;
  if (fields.retry !== undefined) text += `retry: ${fields.retry}\n`;
  for (const line of data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  return `${text}\n`;
}

/**
 * Text that already ends with a blank line is a complete event (comments, `event:` lines, CRLF
 * framing, odd spacing) and is sent verbatim; anything else is a data payload to frame.
 */
export function toSseEventText(item: string): string {
  return EVENT_TERMINATOR.test(item) ? item : sseEvent(item);
}
