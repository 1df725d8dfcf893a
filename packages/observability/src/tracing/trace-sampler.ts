import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from "@opentelemetry/sdk-trace-base";
import type { OtelEnv } from "./otel-env.ts";

/**
 * The sampler OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG name (the SDK configuration
 * spec's values), built from the official SDK's samplers so a ratio keeps the same traces as
 * every other OTel service in the trace would. Default `parentbased_always_on`: every request,
 * except where the caller's traceparent says its trace is not sampled.
 */
export interface SamplerChoice {
  readonly sampler: Sampler;
  /** A readable description, for the startup log line. */
  readonly description: string;
  /** What was wrong with the variables (the default was used instead). */
  readonly problem?: string;
}

const SAMPLERS = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;

export function samplerFromEnv(env: OtelEnv): SamplerChoice {
  const name = env.OTEL_TRACES_SAMPLER?.trim().toLowerCase() || "parentbased_always_on";
  if (!(SAMPLERS as readonly string[]).includes(name)) {
    return {
      ...build("parentbased_always_on", 1),
      problem: `OTEL_TRACES_SAMPLER=${name.slice(0, 64)} is not supported (${SAMPLERS.join(", ")})`,
    };
  }
  if (!name.endsWith("traceidratio")) return build(name, 1);
  const raw = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (raw === undefined || raw === "") return build(name, 1);
  const ratio = Number(raw);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    return {
      ...build(name, 1),
      problem: `OTEL_TRACES_SAMPLER_ARG=${raw.slice(0, 64)} is not a ratio from 0 to 1: 1 used`,
    };
  }
  return build(name, ratio);
}

function build(name: string, ratio: number): SamplerChoice {
  const root = (inner: string): Sampler =>
    inner === "always_off"
      ? new AlwaysOffSampler()
      : inner === "traceidratio"
        ? new TraceIdRatioBasedSampler(ratio)
        : new AlwaysOnSampler();
  const inner = name.replace(/^parentbased_/, "");
  const sampler = name.startsWith("parentbased_")
    ? new ParentBasedSampler({ root: root(inner) })
    : root(inner);
  return { sampler, description: inner === "traceidratio" ? `${name} ${ratio}` : name };
}
