/**
 * Plain SQL on the database's own connection(s), with the same shape on both drivers, for code
 * outside drizzle's query builder (`@org/cache`'s shared semantic index: pgvector operators,
 * LISTEN/NOTIFY). Parameters are `$1`, `$2`...; values go as parameters, never into the text.
 */
export interface RawSql {
  /** Runs one statement and resolves to its rows. */
  query<TRow extends Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<TRow[]>;
  /**
   * LISTENs on `channel` (a plain lowercase identifier) and calls `onNotify` with each payload.
   * `onListen` runs each time the listening connection is (re)established: notifications sent
   * while it was down are lost, so that is when a listener reads what it missed.
   * Resolves to a function that stops listening.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onListen?: () => void,
  ): Promise<() => Promise<void>>;
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

/** Channel names go into LISTEN's text (it takes no parameter): only plain identifiers. */
export function checkChannel(channel: string): string {
  if (!CHANNEL.test(channel))
    throw new Error(`invalid LISTEN channel name ${JSON.stringify(channel)}`);
  return channel;
}
