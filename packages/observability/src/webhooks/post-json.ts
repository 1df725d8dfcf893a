/**
 * One HTTP POST to a webhook, classified the way a retrying queue needs it: a 2xx is done, a
 * 5xx / 408 / 429 / network error / timeout throws (the SinkQueue retries it with backoff),
 * any other 4xx is the receiver refusing this payload for good (a bad URL or token), so it
 * is reported as `rejected` and not retried forever.
 */

export type PostOutcome = { readonly ok: true } | { readonly ok: false; readonly status: number };

export interface PostJsonOptions {
  readonly headers?: Readonly<Record<string, string>>;
  /** Aborts a request that has not answered by then. Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Injectable for tests; the global fetch (undici) otherwise. */
  readonly fetch?: typeof fetch;
  readonly contentType?: string;
}

/** A failure worth retrying; its message names only the URL's origin (webhook paths are secrets). */
export class WebhookDeliveryError extends Error {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.name = "WebhookDeliveryError";
    this.status = status;
  }
}

const RETRYABLE_4XX = new Set([408, 429]);

export async function postJson(
  url: string,
  body: string,
  options: PostJsonOptions = {},
): Promise<PostOutcome> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: "POST",
      headers: { "content-type": options.contentType ?? "application/json", ...options.headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    // The cause (ECONNREFUSED, a timeout) is useful; the URL itself may carry a secret path.
    const cause = error instanceof Error ? (errorCode(error) ?? error.name) : String(error);
    throw new WebhookDeliveryError(`POST ${urlOrigin(url)} failed: ${cause}`);
  }
  // Drain the body so the connection goes back to the pool.
  await response.arrayBuffer().catch(() => undefined);
  if (response.ok) return { ok: true };
  if (response.status >= 500 || RETRYABLE_4XX.has(response.status)) {
    throw new WebhookDeliveryError(
      `POST ${urlOrigin(url)} answered ${response.status}`,
      response.status,
    );
  }
  return { ok: false, status: response.status };
}

/** `https://hooks.slack.com` from a Slack webhook URL whose path is the secret. */
export function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "(invalid url)";
  }
}

function errorCode(error: Error): string | undefined {
  const cause = (error as { cause?: { code?: unknown; name?: unknown } }).cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (error.name === "TimeoutError" || error.name === "AbortError") return "timeout";
  return undefined;
}
