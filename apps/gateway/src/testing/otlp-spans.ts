import type { CapturedRequest } from "@org/observability/testing";

/** One span as the OTLP/HTTP JSON exporter sends it. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  /** 2 SERVER, 3 CLIENT, 1 INTERNAL. */
  kind: number;
  /** Epoch nanoseconds, as a decimal string (the JSON encoding of a 64-bit integer). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: Record<string, unknown> }[];
  status?: { code?: number; message?: string };
}

/** Every span in the OTLP/HTTP JSON requests a collector received. */
export function otlpSpans(requests: readonly CapturedRequest[]): OtlpSpan[] {
  const spans: OtlpSpan[] = [];
  for (const request of requests) {
    const body = JSON.parse(request.body) as {
      resourceSpans: { scopeSpans: { spans: OtlpSpan[] }[] }[];
    };
    for (const rs of body.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
  }
  return spans;
}

/** A span's attributes as plain values. */
export function spanAttributes(span: OtlpSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of span.attributes) {
    if ("stringValue" in value) out[key] = value.stringValue;
    else if ("intValue" in value) out[key] = Number(value.intValue);
    else if ("doubleValue" in value) out[key] = value.doubleValue;
    else if ("boolValue" in value) out[key] = value.boolValue;
  }
  return out;
}
