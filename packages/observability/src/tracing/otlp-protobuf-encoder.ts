import { ProtobufWriter } from "./protobuf-writer.ts";
import { epochNanos, type OtlpBodyEncoder, type SpanHead } from "./span-encoder.ts";

/**
 * An OTLP ExportTraceServiceRequest in protobuf (opentelemetry/proto/trace/v1/trace.proto, the
 * field numbers below), written span by span straight from the request events: one resource,
 * one scope, then the spans. The resource and scope are encoded once, and each attribute key
 * once with its field tag (the keys repeat on every span), so a span costs its values only.
 */
export class OtlpProtobufEncoder implements OtlpBodyEncoder {
  private readonly w = new ProtobufWriter();
  private readonly resourceAndScope: Uint8Array;
  private readonly keys = new Map<string, Uint8Array>();
  private spans = 0;

  constructor(resource: Readonly<Record<string, string>>, scopeName: string) {
    const head = new ProtobufWriter(1024);
    head.tag(1, 2); // ResourceSpans.resource
    head.fork();
    for (const [key, value] of Object.entries(resource)) {
      head.tag(1, 2); // Resource.attributes
      head.fork();
      head.tag(1, 2);
      head.string(key);
      head.tag(2, 2);
      head.fork();
      head.tag(1, 2); // AnyValue.string_value
      head.string(value);
      head.join();
      head.join();
    }
    head.join();
    this.resourceAndScope = head.finish();
    const scope = new ProtobufWriter(256);
    scope.tag(1, 2); // ScopeSpans.scope
    scope.fork();
    scope.tag(1, 2); // InstrumentationScope.name
    scope.string(scopeName);
    scope.join();
    this.scope = scope.finish();
    this.begin();
  }

  private readonly scope: Uint8Array;

  /** Spans written since the last `finish`. */
  get spanCount(): number {
    return this.spans;
  }

  /** The request body so far, and a fresh one started. */
  finish(): Uint8Array {
    this.w.join(); // ScopeSpans
    this.w.join(); // ResourceSpans
    const body = this.w.finish();
    this.begin();
    return body;
  }

  mark(): unknown {
    return { at: this.w.mark(), spans: this.spans };
  }

  rewind(mark: unknown): void {
    const m = mark as { at: ReturnType<ProtobufWriter["mark"]>; spans: number };
    this.w.rewind(m.at);
    this.spans = m.spans;
  }

  beginSpan(head: SpanHead): void {
    const w = this.w;
    this.spans += 1;
    w.tag(2, 2); // ScopeSpans.spans
    w.fork();
    w.tag(1, 2);
    w.hexBytes(head.traceId);
    w.tag(2, 2);
    w.hexBytes(head.spanId);
    if (head.traceState) {
      w.tag(3, 2);
      w.string(head.traceState);
    }
    if (head.parentSpanId !== undefined) {
      w.tag(4, 2);
      w.hexBytes(head.parentSpanId);
    }
    w.tag(5, 2);
    w.string(head.name);
    w.tag(6, 0);
    w.varint(head.kind);
    w.tag(7, 1);
    w.fixed64(epochNanos(head.startMs));
    w.tag(8, 1);
    w.fixed64(epochNanos(head.endMs));
  }

  error(message: string | undefined): void {
    const w = this.w;
    w.tag(15, 2); // Span.status
    w.fork();
    if (message) {
      w.tag(2, 2);
      w.string(message);
    }
    w.tag(3, 0);
    w.varint(2); // STATUS_CODE_ERROR
    w.join();
  }

  endSpan(): void {
    this.w.join();
  }

  str(key: string, value: string): void {
    const w = this.openAttribute(key);
    w.tag(1, 2);
    w.string(value);
    this.closeAttribute();
  }

  num(key: string, value: number): void {
    const w = this.openAttribute(key);
    if (Number.isSafeInteger(value)) {
      w.tag(3, 0);
      w.int64(value);
    } else {
      w.tag(4, 1);
      w.double(value);
    }
    this.closeAttribute();
  }

  bool(key: string, value: boolean): void {
    const w = this.openAttribute(key);
    w.tag(2, 0);
    w.varint(value ? 1 : 0);
    this.closeAttribute();
  }

  strs(key: string, values: readonly string[]): void {
    const w = this.openAttribute(key);
    w.tag(5, 2); // AnyValue.array_value
    w.fork();
    for (const value of values) {
      w.tag(1, 2); // ArrayValue.values
      w.fork();
      w.tag(1, 2);
      w.string(String(value));
      w.join();
    }
    w.join();
    this.closeAttribute();
  }

  /** Span.attributes entry: KeyValue { key = 1, value = 2 (AnyValue) }; the value is open. */
  private openAttribute(key: string): ProtobufWriter {
    const w = this.w;
    let keyBytes = this.keys.get(key);
    if (keyBytes === undefined) {
      const k = new ProtobufWriter(64);
      k.tag(1, 2);
      k.string(key);
      keyBytes = k.finish();
      // Keys come from code, not requests; the bound only guards against a caller that
      // writes made-up keys, which would then just not be cached.
      if (this.keys.size < 256) this.keys.set(key, keyBytes);
    }
    w.tag(9, 2);
    w.fork();
    w.raw(keyBytes);
    w.tag(2, 2);
    w.fork();
    return w;
  }

  private closeAttribute(): void {
    this.w.join(); // AnyValue
    this.w.join(); // KeyValue
  }

  private begin(): void {
    const w = this.w;
    w.reset();
    this.spans = 0;
    w.tag(1, 2); // ExportTraceServiceRequest.resource_spans
    w.fork();
    w.raw(this.resourceAndScope);
    w.tag(2, 2); // ResourceSpans.scope_spans
    w.fork();
    w.raw(this.scope);
  }
}
