/**
 * Remembers the signed requests already accepted, so a request replayed with the same signature
 * and timestamp is processed once — on this replica and on every other one sharing the database.
 * A map in memory answers repeats on this replica without a query; Postgres (`request_replay`,
 * unique key) decides between replicas. Entries older than the retention are purged: by then the
 * request's timestamp is outside the accepted window and its signature is refused anyway.
 * Under load the inserts are grouped: while one is on its way to the database, the keys that
 * arrive wait and go together in the next one (one statement for many requests; no wait at all
 * when the database is idle).
 */
import { randomBytes } from 'node:crypto';
import { eq, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { requestReplay } from '../../db/schema';
import { coalesce } from '../../flows/coalesce';

/** How long an accepted signature is remembered (ms): twice the five-minute timestamp window. */
export const REPLAY_RETENTION_MS = 10 * 60_000;
/** How often one replica purges old rows (ms). */
const PURGE_EVERY_MS = 60_000;

/** At most this many keys go in one insert. */
const BATCH_MAX = 500;
/** Inserts on their way at once; beyond, keys wait for the next one. */
const MAX_INSERTS_IN_FLIGHT = 2;

/** A key waiting to be claimed. */
interface Claim {
  key: string;
  nonce: string;
  at: number;
}

/** Options of `createReplayStore`. */
export interface ReplayStoreOptions {
  db: Db;
  /** Wall-clock time in ms. Default `Date.now`. */
  now?: () => number;
}

/** Records accepted requests. */
export interface ReplayStore {
  /**
   * True the first time `key` is seen by any replica, false for a replay. Throws when the
   * database cannot be asked; the key is then remembered by this replica only.
   */
  firstSeen(key: string): Promise<boolean>;
}

/**
 * The claim of any number of keys in one statement, prepared once: the keys travel as arrays,
 * so a batch of any size is the same statement (no query to build, and the server parses it once).
 */
function prepareClaim(db: Db) {
  return db
    .insert(requestReplay)
    .select(
      sql`select k, n, to_timestamp(t / 1000.0) from unnest(${sql.placeholder('keys')}::text[], ${sql.placeholder('nonces')}::text[], ${sql.placeholder('ats')}::float8[]) as u(k, n, t)`,
    )
    .onConflictDoNothing()
    .returning({ key: requestReplay.key })
    .prepare('aims_replay_claim');
}

/** A replay store on the given database. */
export function createReplayStore(opts: ReplayStoreOptions): ReplayStore {
  const { db } = opts;
  const now = opts.now ?? Date.now;
  // Each attempt's nonce only has to differ from every other attempt's: a random prefix per
  // store (so per replica) and a counter, instead of a call to the random source per request.
  const noncePrefix = randomBytes(9).toString('base64url');
  let attempts = 0;
  let claimAll: ReturnType<typeof prepareClaim> | undefined;
  /** key → time (ms) after which it is forgotten here. */
  const seen = new Map<string, number>();
  let lastPurge = 0;

  const forgetOld = async (at: number) => {
    // Insertion order is time order, so the expired entries are at the front.
    for (const [key, until] of seen) {
      if (until > at) break;
      seen.delete(key);
    }
    if (at - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = at;
    await db.delete(requestReplay).where(lt(requestReplay.seenAt, new Date(at - REPLAY_RETENTION_MS)));
  };

  /** Claims arriving together share one insert (flows/coalesce.ts). */
  const insertBatch = async (batch: Claim[]): Promise<Array<boolean | Promise<boolean>>> => {
    const rows = await (claimAll ??= prepareClaim(db)).execute({ keys: batch.map((c) => c.key), nonces: batch.map((c) => c.nonce), ats: batch.map((c) => c.at) });
    const inserted = new Set(rows.map((r) => r.key));
    // A conflict: the row is this key's own only when an earlier attempt of this request
    // inserted it before its connection was lost.
    return batch.map((c) => (inserted.has(c.key) ? true : ownRow(c)));
  };

  const ownRow = async (c: Claim): Promise<boolean> => {
    const [row] = await db.select({ nonce: requestReplay.nonce }).from(requestReplay).where(eq(requestReplay.key, c.key));
    return row?.nonce === c.nonce;
  };

  /** One attempt: insert (with whatever else waits), and on conflict find out whether the row is this attempt's own. */
  const claim = coalesce(insertBatch, { maxInFlight: MAX_INSERTS_IN_FLIGHT, maxBatch: BATCH_MAX });

  return {
    async firstSeen(key) {
      const at = now();
      const until = seen.get(key);
      if (until !== undefined && until > at) return false;
      // Claimed here before the query, so a concurrent copy on this replica stops at the map.
      seen.set(key, at + REPLAY_RETENTION_MS);
      const nonce = `${noncePrefix}.${(attempts += 1).toString(36)}`;
      // When both attempts fail the error goes to the caller and the key stays in this replica's
      // memory, so a copy of the request sent here again is still refused.
      let first: boolean;
      try {
        first = await claim({ key, nonce, at });
      } catch {
        // A dropped connection: the pool reconnects, and the nonce tells whether the first
        // attempt's insert went through before the connection was lost.
        first = await claim({ key, nonce, at });
      }
      // A failed purge is tried again a minute later; it never refuses a request.
      await forgetOld(at).catch(() => {});
      return first;
    },
  };
}
