/**
 * `x-litellm-overhead-duration-ms`: time the gateway itself spent on the request (handler time
 * minus time waiting on upstream attempts), as LiteLLM reports it. Measured when the response
 * headers go out, so for streams it covers everything up to the first chunk.
 */
export function overheadHeader(
  startedAt: number,
  attempts: ReadonlyArray<{ durationMs: number }>,
): string {
  let upstream = 0;
  for (const attempt of attempts) upstream += attempt.durationMs;
  const overhead = Math.max(0, performance.now() - startedAt - upstream);
  return overhead.toFixed(3);
}
