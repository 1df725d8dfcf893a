/**
 * What the request's span tree is written into: the OTLP protobuf body (the default, and the
 * hot path) or the OTLP JSON one (`http/json`). One writer of the tree (request-spans.ts) drives
 * both, so the two encodings cannot disagree about a span; the tests read the JSON and decode
 * the protobuf and compare them.
 *
 * Attributes go straight from the event into the body: no attribute object, no SDK span, no
 * HrTime per span (issue 20: those cost more than the budget of 0.05 CPU-ms per request).
 */
export interface AttributeWriter {
  str(key: string, value: string): void;
  /** An integer (OTLP intValue) when it is a safe integer, else a double. */
  num(key: string, value: number): void;
  bool(key: string, value: boolean): void;
  strs(key: string, values: readonly string[]): void;
}

/** OTLP span kinds (the protobuf enum: the API's SpanKind + 1). */
export const OTLP_KIND = { internal: 1, server: 2, client: 3 } as const;
export type OtlpKind = (typeof OTLP_KIND)[keyof typeof OTLP_KIND];

export interface SpanHead {
  /** Lowercase hex, 32 characters. */
  readonly traceId: string;
  /** Lowercase hex, 16 characters. */
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly traceState: string | undefined;
  readonly name: string;
  readonly kind: OtlpKind;
  /** Epoch milliseconds (fractions kept to the nanosecond). */
  readonly startMs: number;
  readonly endMs: number;
}

export interface SpanEncoder extends AttributeWriter {
  /** Opens a span; attributes written until `endSpan` are its. */
  beginSpan(head: SpanHead): void;
  /** ERROR status with its message (the only status the gateway sets). */
  error(message: string | undefined): void;
  endSpan(): void;
}

/**
 * Epoch ms as OTLP's unsigned 64-bit nanoseconds, rounded as the SDK's HrTime did (whole
 * seconds, then the rest to the nanosecond). A non-finite time reads as now.
 */
export function epochNanos(epochMs: number): bigint {
  const ms = Number.isFinite(epochMs) ? epochMs : Date.now();
  const seconds = Math.floor(ms / 1_000);
  return BigInt(seconds) * 1_000_000_000n + BigInt(Math.round((ms - seconds * 1_000) * 1_000_000));
}

/** A whole OTLP export request being written (protobuf or JSON). */
export interface OtlpBodyEncoder extends SpanEncoder {
  /** Spans written since the last `finish`. */
  readonly spanCount: number;
  /** The request body, and a fresh one started. */
  finish(): Uint8Array;
  /** A point to come back to when a request's spans fail half way (a malformed event). */
  mark(): unknown;
  rewind(mark: unknown): void;
}
