/**
 * The standard OpenTelemetry exporter variables, read from an env object the caller passes in
 * (the package never reads process.env, so tests and multi-tenant hosts control it). Names and
 * rules follow the OTLP exporter spec: a signal-specific variable wins over the generic one,
 * the generic endpoint gets `/v1/traces` appended, the signal endpoint is used as given, and
 * headers are `key=value` pairs separated by commas with URL-encoded values.
 */

export type OtelEnv = Readonly<Record<string, string | undefined>>;

export interface OtlpTraceConfig {
  /** Where spans are POSTed (OTLP/HTTP). */
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly serviceName: string;
  /** From OTEL_RESOURCE_ATTRIBUTES (service.name there loses to OTEL_SERVICE_NAME). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** OTEL_SDK_DISABLED=true turns tracing off. */
  readonly disabled: boolean;
  /**
   * The body's encoding: `http/protobuf` (the spec's default, and the cheaper: about half the
   * CPU and bytes of JSON per span) unless OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL is `http/json`.
   */
  readonly encoding: "protobuf" | "json";
  /** OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL when it is one this exporter cannot speak. */
  readonly unsupportedProtocol?: string;
}

/** The spec's default when no endpoint is set (a local collector's OTLP/HTTP port). */
export const DEFAULT_OTLP_TRACES_URL = "http://localhost:4318/v1/traces";
export const DEFAULT_SERVICE_NAME = "llm-gateway";

export function otlpTraceConfigFromEnv(env: OtelEnv): OtlpTraceConfig {
  const headers = {
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_HEADERS),
    ...parseKeyValueList(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
  };
  const resourceAttributes = parseKeyValueList(env.OTEL_RESOURCE_ATTRIBUTES);
  const serviceName =
    nonEmpty(env.OTEL_SERVICE_NAME) ?? resourceAttributes["service.name"] ?? DEFAULT_SERVICE_NAME;
  const protocol = nonEmpty(
    env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL,
  );
  // gRPC is a different transport and port: such a setting gets protobuf over HTTP, with a warning.
  const unsupportedProtocol =
    protocol !== undefined && protocol !== "http/json" && protocol !== "http/protobuf"
      ? protocol
      : undefined;
  return {
    url: tracesUrl(env),
    headers,
    serviceName,
    resourceAttributes,
    encoding: protocol === "http/json" ? "json" : "protobuf",
    disabled: env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true",
    ...(unsupportedProtocol !== undefined ? { unsupportedProtocol } : {}),
  };
}

function tracesUrl(env: OtelEnv): string {
  const signal = nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  if (signal !== undefined) return signal;
  const base = nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  if (base === undefined) return DEFAULT_OTLP_TRACES_URL;
  return `${base.replace(/\/+$/, "")}/v1/traces`;
}

/** `k1=v1,k2=v2` with URL-encoded values (W3C Baggage-like, as the OTel spec defines it). */
export function parseKeyValueList(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const part of raw.split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = safeDecode(part.slice(0, eq).trim());
    const value = safeDecode(part.slice(eq + 1).trim());
    if (key !== "") out[key] = value;
  }
  return out;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
