import {
  createGenericApiSink,
  createRequestTracer,
  DEFAULT_LANGFUSE_HOST,
  langfuseOptionsFromEnv,
  LangfuseSink,
  parseGenericLoggerHeaders,
  SinkQueue,
  type GenericApiEventType,
  type Logger,
  type RequestEvent,
  type RequestTracer,
  type Sink,
  withoutContent,
} from "@org/observability";
import { callbackSelection, selects, type CallbackSettings } from "./callback-selection.ts";

export interface BuiltSinks {
  /** One bounded queue per sink, for the bus (a dead receiver never slows a request). */
  readonly queues: SinkQueue<RequestEvent>[];
  /**
   * The OTel tracer with which outcomes it records, when `otel` is configured, and whether its
   * spans may carry the messages and answer.
   */
  readonly tracer?: {
    tracer: RequestTracer;
    records: (event: RequestEvent) => boolean;
    content: boolean;
  };
  /** The configured callbacks that receive content (the event carries it when any does). */
  readonly contentTo: string[];
}

/**
 * The sinks LiteLLM's callback lists name (`otel`, `langfuse`, `generic_api`), each built from
 * the variables LiteLLM reads for it. A callback whose credentials are missing is logged as an
 * error and left off: the gateway still serves (as LiteLLM does), and startup says why.
 */
export function buildSinks(options: {
  settings: CallbackSettings | undefined;
  env: Readonly<Record<string, string | undefined>>;
  logger: Logger;
  /** Whether a callback receives messages and answers (`message-logging.ts`); none by default. */
  contentFor?: (callback: string) => boolean;
}): BuiltSinks {
  const { settings, env, logger } = options;
  const contentFor = options.contentFor ?? (() => false);
  const queues: SinkQueue<RequestEvent>[] = [];
  const contentTo: string[] = [];

  const langfuse = callbackSelection(settings, "langfuse");
  if (langfuse) {
    const credentials = langfuseOptionsFromEnv(env);
    if (credentials === undefined) {
      logger.error(
        "callback langfuse needs LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY; Langfuse logging is off",
      );
    } else {
      const sink = new LangfuseSink({ ...credentials, logger });
      const content = contentFor("langfuse");
      if (content) contentTo.push("langfuse");
      queues.push(
        new SinkQueue(
          onlySelected(sink, (e) => selects(langfuse, e), content),
          { logger },
        ),
      );
      logger.info(
        `callback langfuse: sending traces to ${originOf(credentials.host ?? DEFAULT_LANGFUSE_HOST)}`,
      );
    }
  }

  const generic = callbackSelection(settings, "generic_api");
  if (generic) {
    const endpoint = env.GENERIC_LOGGER_ENDPOINT;
    if (endpoint === undefined || endpoint === "") {
      logger.error("callback generic_api needs GENERIC_LOGGER_ENDPOINT; it is off");
    } else {
      const eventTypes: GenericApiEventType[] = [];
      if (generic.success) eventTypes.push("llm_api_success");
      if (generic.failure) eventTypes.push("llm_api_failure");
      const content = contentFor("generic_api");
      if (content) contentTo.push("generic_api");
      const sink = createGenericApiSink({
        name: "generic_api",
        endpoint,
        headers: parseGenericLoggerHeaders(env.GENERIC_LOGGER_HEADERS),
        eventTypes,
        withoutContent: !content,
        logger,
      });
      queues.push(new SinkQueue(sink, { logger }));
    }
  }

  const otel = callbackSelection(settings, "otel");
  const tracer = otel ? createRequestTracer({ env, logger }) : undefined;
  if (tracer?.url) logger.info(`callback otel: exporting spans to ${originOf(tracer.url)}`);
  const otelContent = otel !== undefined && tracer !== undefined && contentFor("otel");
  if (otelContent) contentTo.push("otel");
  return {
    queues,
    contentTo,
    ...(otel && tracer
      ? {
          tracer: {
            tracer,
            records: (e: RequestEvent) => selects(otel, e),
            content: otelContent,
          },
        }
      : {}),
  };
}

/**
 * `success_callback` / `failure_callback`: the sink gets only the outcomes it was listed for,
 * and without messages and answer unless it is to receive them.
 */
function onlySelected(
  sink: Sink<RequestEvent>,
  keep: (e: RequestEvent) => boolean,
  content: boolean,
) {
  return {
    name: sink.name,
    deliver: (batch: readonly RequestEvent[]) => {
      const kept = batch.filter(keep);
      if (kept.length === 0) return Promise.resolve();
      return sink.deliver(content ? kept : kept.map(withoutContent));
    },
  };
}

/** Only the origin is logged: a path or query can carry a token. */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid URL)";
  }
}
