/**
 * How aimsbot talks to Postgres through postgres.js. The driver's default reconnect back-off
 * grows to 20 s after a few dropped connections (it is shared by the whole pool), so after a
 * database blip users would wait that long for an answer; a server whose callers wait in chat
 * caps it at one second and gives up on a connection attempt after ten.
 */
import type { Options, PostgresType } from 'postgres';

/** postgres.js options for a pool of `max` connections. */
export function postgresOptions(max: number): Options<Record<string, PostgresType>> {
  return {
    max,
    onnotice: () => {},
    /** Seconds before reconnecting after the `retries`-th failed connection in a row. */
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
    /** Seconds to wait for a connection to be established. */
    connect_timeout: 10,
  };
}
