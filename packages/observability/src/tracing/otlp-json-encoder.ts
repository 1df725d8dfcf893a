import { epochNanos, type OtlpBodyEncoder, type SpanHead } from "./span-encoder.ts";

interface JsonKeyValue {
  key: string;
  value: Record<string, unknown>;
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  traceState?: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: JsonKeyValue[];
  droppedAttributesCount: 0;
  events: [];
  droppedEventsCount: 0;
  links: [];
  droppedLinksCount: 0;
  status: { code: number; message?: string };
}

/**
 * The same request as OtlpProtobufEncoder in OTLP/JSON (`http/json`): hex ids, enums as
 * numbers, 64-bit times as decimal strings. Not the hot path (protobuf is the default); it is
 * what the tests read back, so it follows the same span writer.
 */
export class OtlpJsonEncoder implements OtlpBodyEncoder {
  private spans: JsonSpan[] = [];
  private span: JsonSpan | undefined;
  private readonly resource: JsonKeyValue[];

  constructor(
    resource: Readonly<Record<string, string>>,
    private readonly scopeName: string,
  ) {
    this.resource = Object.entries(resource).map(([key, value]) => ({
      key,
      value: { stringValue: value },
    }));
  }

  get spanCount(): number {
    return this.spans.length;
  }

  finish(): Uint8Array {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: this.resource, droppedAttributesCount: 0 },
          scopeSpans: [{ scope: { name: this.scopeName }, spans: this.spans }],
        },
      ],
    };
    this.spans = [];
    return new TextEncoder().encode(JSON.stringify(body));
  }

  mark(): unknown {
    return this.spans.length;
  }

  rewind(mark: unknown): void {
    this.spans.length = mark as number;
    this.span = undefined;
  }

  beginSpan(head: SpanHead): void {
    this.span = {
      traceId: head.traceId,
      spanId: head.spanId,
      ...(head.traceState ? { traceState: head.traceState } : {}),
      ...(head.parentSpanId !== undefined ? { parentSpanId: head.parentSpanId } : {}),
      name: head.name,
      kind: head.kind,
      startTimeUnixNano: String(epochNanos(head.startMs)),
      endTimeUnixNano: String(epochNanos(head.endMs)),
      attributes: [],
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      status: { code: 0 },
    };
  }

  error(message: string | undefined): void {
    this.current().status = { code: 2, ...(message ? { message } : {}) };
  }

  endSpan(): void {
    this.spans.push(this.current());
    this.span = undefined;
  }

  str(key: string, value: string): void {
    this.current().attributes.push({ key, value: { stringValue: value } });
  }

  num(key: string, value: number): void {
    this.current().attributes.push({
      key,
      value: Number.isSafeInteger(value) ? { intValue: value } : { doubleValue: value },
    });
  }

  bool(key: string, value: boolean): void {
    this.current().attributes.push({ key, value: { boolValue: value } });
  }

  strs(key: string, values: readonly string[]): void {
    this.current().attributes.push({
      key,
      value: { arrayValue: { values: values.map((v) => ({ stringValue: String(v) })) } },
    });
  }

  private current(): JsonSpan {
    if (this.span === undefined) throw new Error("OTLP JSON encoder: no span open");
    return this.span;
  }
}
