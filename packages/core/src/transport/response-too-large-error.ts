import { UpstreamError } from "../errors/gateway-error.ts";

/**
 * The upstream's answer is larger than the gateway will hold in memory. A 502 naming the limit
 * (and the setting that raises it), not retried: the same request would bring the same answer.
 * Its message names the origin only (a full URL may carry a key in its query).
 */
export class ResponseTooLargeError extends UpstreamError {
  readonly limitBytes: number;

  constructor(origin: string, limitBytes: number, setting: string | undefined, announced?: number) {
    const size =
      announced === undefined
        ? "more than that"
        : `${formatMb(announced)} according to its content-length`;
    super(
      `The answer from ${origin} is larger than the gateway's response size limit of ` +
        `${formatMb(limitBytes)} (${size})${setting === undefined ? "" : `; raise ${setting} to allow it`}. ` +
        "Reading it was stopped.",
      { code: "upstream_response_too_large", retryable: false },
    );
    this.name = "ResponseTooLargeError";
    this.limitBytes = limitBytes;
  }
}

function formatMb(bytes: number): string {
  // At most three decimals, without trailing zeros: 0.25 MB, 0.063 MB, 64 MB.
  return `${Number((bytes / (1024 * 1024)).toFixed(3))} MB`;
}
