import type { SplitWrites } from "./fake-response.ts";

const NEWLINE = 0x0a;

/** Cuts the events of a body into the socket writes described by `mode` (see `SplitWrites`). */
export function splitWrites(events: readonly Uint8Array[], mode: SplitWrites): Uint8Array[] {
  // Empty writes are dropped: in chunked encoding a zero-length chunk would end the body.
  const nonEmpty = (parts: Uint8Array[]) => parts.filter((part) => part.byteLength > 0);
  if (typeof mode === "number") {
    if (!Number.isInteger(mode) || mode < 1) {
      throw new RangeError(`splitWrites must be a positive integer, got ${mode}`);
    }
    const whole = Buffer.concat(events);
    const parts: Uint8Array[] = [];
    for (let offset = 0; offset < whole.byteLength; offset += mode) {
      parts.push(whole.subarray(offset, offset + mode));
    }
    return parts;
  }
  if (mode === "per-event") return nonEmpty([...events]);
  return nonEmpty(
    events.flatMap((event) => {
      const cut = mode === "mid-line" ? midFirstLine(event) : Math.floor(event.byteLength / 2);
      return [event.subarray(0, cut), event.subarray(cut)];
    }),
  );
}

function midFirstLine(event: Uint8Array): number {
  const newline = event.indexOf(NEWLINE);
  const lineLength = newline === -1 ? event.byteLength : newline;
  return Math.floor(lineLength / 2);
}
