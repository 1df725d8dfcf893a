/**
 * One pino JSON record as a line for a developer's terminal:
 * `12:00:00.123 INFO  message key=value`. pino-pretty would do this too, but it is a dozen more
 * dependencies for a development-only nicety; the fields are already redacted here.
 */
export function prettyLine(record: Record<string, unknown>): string {
  const { time, level, msg, pid: _pid, hostname: _hostname, ...fields } = record;
  const clock = typeof time === "string" ? time.slice(11, 23) : "";
  const extras = Object.entries(fields)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const head = `${clock ? clock + " " : ""}${String(level).toUpperCase().padEnd(5)} ${String(msg ?? "")}`;
  return extras ? `${head} ${extras}` : head;
}
